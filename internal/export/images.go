package export

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/image/draw"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/photo" // also registers the JPEG, PNG and WebP decoders
)

// Widths are the widths photos are published at. A photo is never
// enlarged: it gets the widths up to its own, and its own.
var Widths = []int{480, 960, 1600}

// renditionVersion changes whenever resizing or encoding changes, so cached
// and previously exported renditions are made again. r2: the original's
// colour profile is kept.
const renditionVersion = "r2"

// embedVersion changes whenever what is put into renditions after they
// are made (the photo's words, or the original's metadata) changes, so
// previously exported files are made again. The cache keeps bare
// renditions and is not affected.
const embedVersion = "m1"

// jpegQuality is the quality published JPEGs are encoded at: visually
// clean for photographs at about a tenth of the size of the original.
const jpegQuality = 82

// rendition is one published size of one stored image.
type rendition struct {
	img    galley.Image
	Width  int
	Height int
}

// renditions lists the published sizes of img, smallest first.
func renditions(img galley.Image) []rendition {
	var rs []rendition
	for _, w := range Widths {
		if w <= img.Width {
			rs = append(rs, rendition{img, w, scaledHeight(img, w)})
		}
	}
	// A photo between two widths is also published at its own width, so
	// no detail it has is thrown away.
	if len(rs) == 0 || rs[len(rs)-1].Width < img.Width && img.Width < Widths[len(Widths)-1] {
		rs = append(rs, rendition{img, img.Width, img.Height})
	}
	return rs
}

func scaledHeight(img galley.Image, w int) int {
	if img.Width == 0 {
		return 0
	}
	h := (img.Height*w + img.Width/2) / img.Width
	return max(h, 1)
}

// ext is the published file's extension: PNG stays PNG (it may be a chart
// or carry transparency); JPEG and WebP become JPEG, which every browser
// and CMS takes.
func (r rendition) ext() string {
	if r.img.MIME == "image/png" {
		return ".png"
	}
	return ".jpg"
}

// Path is where the rendition lives in the site.
func (r rendition) Path() string {
	return "images/" + r.img.Hash[:16] + "-" + strconv.Itoa(r.Width) + r.ext()
}

// fingerprint identifies the rendition's bare bytes (as made and cached,
// without metadata) before they are made.
func (r rendition) fingerprint() string {
	return renditionVersion + ":" + r.img.Hash + ":" + strconv.Itoa(r.Width)
}

// imageUse is one stored image the export publishes, with the piece whose
// photo's words its files carry.
//
// The files of an image (images/<hash>-<width>.jpg) are shared by every
// photo that shows it, in this piece or another, so they can carry the
// words of one photo only: those of its first use, the earliest piece of
// the export that shows it (in the order pieces are listed, the oldest
// first), and that piece's first photo of it. Later uses with other words
// show their own caption and credit on their pages; the files keep the
// first. This keeps every address stable and spares the export reading
// pieces that did not change: an image's files are made again only when
// the piece that owns its words is saved (or another piece becomes its
// first use), and rewritten only when their bytes then differ.
type imageUse struct {
	img   galley.Image
	owner *galley.Entry
}

// imageFingerprint identifies the bytes of a published rendition of u:
// its bare bytes and what is put into them.
func (s *site) imageFingerprint(u imageUse, r rendition) string {
	fp := r.fingerprint() + ":" + embedVersion
	if s.opt.KeepPhotoMetadata {
		return fp + ":keep"
	}
	return fp + ":" + strconv.FormatInt(u.owner.ID, 10) + ":" + strconv.FormatInt(u.owner.Version, 10)
}

// keepsOriginal reports whether the renditions of img carry its original
// metadata: with KeepPhotoMetadata, for JPEG originals (whose renditions
// are JPEGs too).
func (s *site) keepsOriginal(img galley.Image) bool {
	return s.opt.KeepPhotoMetadata && img.MIME == "image/jpeg"
}

// dress puts metadata into a rendition's bare bytes: by default the words
// of the photo that owns the image (see imageUse) as XMP and IPTC (XMP
// alone in a PNG), everything else the original carried having been left
// behind by re-encoding; with KeepPhotoMetadata, the original's own
// metadata segments (see photo.CopyMetadataJPEG), or nothing when the
// original is not a JPEG. It is done after the cache, so editing a
// caption never resizes a photo again.
func (s *site) dress(ctx context.Context, u imageUse, r rendition, bare, original []byte) ([]byte, error) {
	var out []byte
	var err error
	switch {
	case s.opt.KeepPhotoMetadata:
		if original == nil || r.ext() != ".jpg" {
			return bare, nil
		}
		out, err = photo.CopyMetadataJPEG(original, bare)
	default:
		words, werr := s.photoWords(ctx, u)
		if werr != nil {
			return nil, werr
		}
		if r.ext() == ".png" {
			out, err = photo.EmbedPNG(bare, words)
		} else {
			out, err = photo.EmbedJPEG(bare, words)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("write metadata into image %s at %d px: %w", r.img.Hash[:12], r.Width, err)
	}
	return out, nil
}

// photoWords returns the words u's files carry: those of the owner's first
// photo of the image. Each owner is read once per export, and only when
// one of its images' files has to be made.
func (s *site) photoWords(ctx context.Context, u imageUse) (photo.Metadata, error) {
	s.wordsMu.Lock()
	defer s.wordsMu.Unlock()
	byHash, ok := s.words[u.owner.ID]
	if !ok {
		p, err := s.src.Piece(ctx, u.owner.ID)
		if err != nil {
			return photo.Metadata{}, err
		}
		byHash = map[string]photo.Metadata{}
		for i := range p.Photos {
			ph := &p.Photos[i]
			if _, seen := byHash[ph.Image.Hash]; !seen {
				byHash[ph.Image.Hash] = metadataOf(ph)
			}
		}
		s.words[u.owner.ID] = byHash
	}
	return byHash[u.img.Hash], nil
}

// metadataOf is what a published file says about the photo: its caption,
// credit, photographer, alt text (none when the photo is marked
// decorative), copyright, place, date and keywords.
func metadataOf(ph *galley.Photo) photo.Metadata {
	m := photo.Metadata{
		Caption: ph.Caption, Credit: ph.Credit, Byline: ph.Photographer, Copyright: ph.Copyright,
		City: ph.City, Country: ph.Country, DateCreated: ph.DateCreated,
		Keywords: append([]string(nil), ph.Keywords...),
	}
	if !ph.Decorative {
		m.AltText = ph.Alt
	}
	return m
}

// imageMaker makes renditions' bare bytes: re-encoded from decoded pixels,
// which leaves every piece of camera metadata (EXIF, GPS, maker notes)
// behind, and resized once per photo and width: results are kept in a
// cache folder shared by every export. Metadata is put in afterwards (see
// site.dress), so the cache holds pixels only.
type imageMaker struct {
	src   Source
	cache string // "" for no cache
}

// produce returns the bare bytes of every rendition of img, decoding the
// original at most once, and, when wantOriginal asks for them, the
// original's bytes. A cached rendition that is damaged is made again and
// replaced; when it cannot be, the error names it.
func (m *imageMaker) produce(ctx context.Context, img galley.Image, wantOriginal bool) (map[int][]byte, []byte, error) {
	out := map[int][]byte{}
	var missing []rendition
	damaged := map[int]error{}
	for _, r := range renditions(img) {
		data, err := m.cached(r)
		switch {
		case err == nil:
			out[r.Width] = data
			continue
		case !errors.Is(err, fs.ErrNotExist):
			damaged[r.Width] = err
		}
		missing = append(missing, r)
	}
	if len(missing) == 0 && !wantOriginal {
		return out, nil, nil
	}
	// unmade names the damaged cache entries when they cannot be made
	// again, so the editor knows which file is at fault.
	unmade := func(err error) error {
		for _, r := range missing {
			if damaged[r.Width] != nil {
				return galley.Errorf(galley.EInternal, "The cached copy of a resized photo, %s, is damaged, and it could not be made again: %s", m.cachePath(r), galley.ErrorMessage(err))
			}
		}
		return err
	}
	data, err := m.src.ImageData(ctx, img.Hash)
	if err != nil {
		return nil, nil, unmade(err)
	}
	if len(missing) == 0 {
		return out, data, nil
	}
	pic, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, nil, unmade(fmt.Errorf("decode image %s: %w", img.Hash[:12], err))
	}
	if format == "jpeg" {
		// The EXIF that says which way is up does not survive re-encoding.
		pic = photo.Upright(pic, photo.Orientation(data))
	}
	levels := mipmaps(toRGBA(pic))
	// The pixels stay in the original's colours; its profile goes with
	// them, or a browser would show a Display P3 or Adobe RGB photo
	// washed out, as if it were sRGB.
	profile := photo.ColourProfile(data)
	for _, r := range missing {
		enc, err := encode(resize(levels, r.Width, r.Height), r)
		if err == nil {
			enc, err = photo.WithProfile(enc, profile)
		}
		if err != nil {
			return nil, nil, unmade(err)
		}
		out[r.Width] = enc
		// A missing entry not stored only costs time next export; a
		// damaged one left in place would be found damaged every time.
		if err := m.store(r, enc); err != nil && damaged[r.Width] != nil {
			return nil, nil, galley.Errorf(galley.EInternal, "The cached copy of a resized photo, %s, is damaged and could not be replaced: %v. Delete it and export again.", m.cachePath(r), pathErr(err))
		}
	}
	if !wantOriginal {
		data = nil // not kept alive while the renditions are written
	}
	return out, data, nil
}

// cacheLayout names how the cache keeps renditions: each file is the
// rendition followed by a trailer (see seal), so a cached file that was
// truncated, emptied or changed on disk is found, not published. Files
// of another renditionVersion or layout are never read: renditions made
// differently are made again.
const cacheLayout = "c2"

// cacheMagic ends every cached file of cacheLayout.
const cacheMagic = "GLC2"

// trailerSize is the length of a cached file's trailer: the rendition's
// length and CRC-32C (4 bytes each, big-endian) and cacheMagic.
const trailerSize = 12

func (m *imageMaker) cachePath(r rendition) string {
	return filepath.Join(m.cache, renditionVersion+"-"+cacheLayout, r.img.Hash[:2], r.cacheName())
}

func (r rendition) cacheName() string {
	return r.img.Hash + "-" + strconv.Itoa(r.Width) + r.ext()
}

// cached returns the cached bare bytes of r: fs.ErrNotExist when there
// are none, another error when the cached file is damaged.
func (m *imageMaker) cached(r rendition) ([]byte, error) {
	if m.cache == "" {
		return nil, fs.ErrNotExist
	}
	p := m.cachePath(r)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fs.ErrNotExist
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	bare, ok := unseal(data)
	if !ok {
		return nil, fmt.Errorf("%s does not hold the rendition it was written with", p)
	}
	return bare, nil
}

// seal is the trailer a cached file of data ends with.
func seal(data []byte) []byte {
	var t [trailerSize]byte
	binary.BigEndian.PutUint32(t[0:], uint32(len(data)))
	binary.BigEndian.PutUint32(t[4:], crc32.Checksum(data, castagnoli))
	copy(t[8:], cacheMagic)
	return t[:]
}

// unseal returns the rendition a cached file holds, and whether the file
// is whole: its trailer there and matching what precedes it.
func unseal(file []byte) ([]byte, bool) {
	if len(file) < trailerSize {
		return nil, false
	}
	data := file[:len(file)-trailerSize]
	return data, bytes.Equal(file[len(data):], seal(data))
}

// store keeps a rendition in the cache, written beside its place and
// renamed into it so a reader never sees half a file.
func (m *imageMaker) store(r rendition, data []byte) error {
	if m.cache == "" {
		return nil
	}
	p := m.cachePath(r)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	if werr == nil {
		_, werr = tmp.Write(seal(data))
	}
	if cerr := tmp.Close(); werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return errors.Join(werr, cerr)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// toRGBA converts a decoded image to RGBA once, so the filters below run
// on their fast path instead of converting every pixel they read.
func toRGBA(pic image.Image) *image.RGBA {
	if rgba, ok := pic.(*image.RGBA); ok {
		return rgba
	}
	b := pic.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), pic, b.Min, draw.Src)
	return dst
}

// mipmaps returns pic and successive halvings of it (each pixel the mean of
// four), down to about the smallest published width.
func mipmaps(pic *image.RGBA) []*image.RGBA {
	levels := []*image.RGBA{pic}
	for {
		last := levels[len(levels)-1]
		if last.Bounds().Dx() < 2*Widths[0] || last.Bounds().Dy() < 2 {
			return levels
		}
		levels = append(levels, halve(last))
	}
}

func halve(src *image.RGBA) *image.RGBA {
	w, h := src.Bounds().Dx()/2, src.Bounds().Dy()/2
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		r0 := src.Pix[(2*y)*src.Stride:]
		r1 := src.Pix[(2*y+1)*src.Stride:]
		d := dst.Pix[y*dst.Stride:]
		for x := 0; x < w; x++ {
			i := 8 * x
			for c := 0; c < 4; c++ {
				sum := uint(r0[i+c]) + uint(r0[i+4+c]) + uint(r1[i+c]) + uint(r1[i+4+c])
				d[4*x+c] = uint8((sum + 2) / 4)
			}
		}
	}
	return dst
}

// resize scales to w×h with Catmull-Rom, a sharp filter that keeps small
// type in photographed documents legible, starting from the smallest
// halving still at least twice the target: averaging first removes the
// aliasing a sharp filter alone would give when shrinking a lot, and makes
// the filter's work a fraction of what the full image would cost.
func resize(levels []*image.RGBA, w, h int) image.Image {
	src := levels[0]
	for _, l := range levels[1:] {
		if l.Bounds().Dx() >= 2*w {
			src = l
		}
	}
	if src.Bounds().Dx() == w && src.Bounds().Dy() == h {
		return src
	}
	return catmullRom(src, w, h)
}

func encode(pic image.Image, r rendition) ([]byte, error) {
	var b bytes.Buffer
	var err error
	if r.ext() == ".png" {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, pic)
	} else {
		err = jpeg.Encode(&b, pic, &jpeg.Options{Quality: jpegQuality})
	}
	if err != nil {
		return nil, fmt.Errorf("encode image %s at %d px: %w", r.img.Hash[:12], r.Width, err)
	}
	return b.Bytes(), nil
}
