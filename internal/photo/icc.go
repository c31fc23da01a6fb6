package photo

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
)

// A photo's ICC colour profile says what its numbers mean: the same pixel
// values are a duller red in sRGB than in Display P3 (every recent phone)
// or Adobe RGB (most cameras). Re-encoding a photo does not carry the
// profile along, and browsers then take the pixels for sRGB, so the export
// puts the original's profile into every rendition: browsers and image
// tools convert the colours as the photographer saw them.

const iccJPEGHeader = "ICC_PROFILE\x00"

// maxICCChunk is the most profile one APP2 segment holds: the 65,533
// bytes of a segment's payload, less the header and the chunk's number and
// count.
const maxICCChunk = 65533 - len(iccJPEGHeader) - 2

// maxProfile bounds the profile read from a file: real ones are a few
// kilobytes to a few hundred; a larger claim is damage or hostility.
const maxProfile = 4 << 20

// ColourProfile returns the ICC profile an image file carries — a JPEG's
// ICC_PROFILE segments put back in order, a PNG's iCCP chunk, a WebP's
// ICCP chunk — or nil when it has none or it cannot be read whole.
func ColourProfile(data []byte) []byte {
	switch {
	case isJPEG(data):
		return jpegProfile(data)
	case bytes.HasPrefix(data, []byte(pngSignature)):
		return pngProfile(data)
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return webpProfile(data)
	}
	return nil
}

func jpegProfile(data []byte) []byte {
	segs, _, _ := jpegHeaders(data)
	chunks := map[int][]byte{}
	count := 0
	for _, s := range segs {
		p := s.payload(data)
		if s.marker != 0xE2 || !bytes.HasPrefix(p, []byte(iccJPEGHeader)) || len(p) < len(iccJPEGHeader)+2 {
			continue
		}
		seq, n := int(p[len(iccJPEGHeader)]), int(p[len(iccJPEGHeader)+1])
		if seq < 1 || seq > n || (count != 0 && n != count) {
			return nil
		}
		count = n
		chunks[seq] = p[len(iccJPEGHeader)+2:]
	}
	if count == 0 || len(chunks) != count {
		return nil
	}
	var out []byte
	for i := 1; i <= count; i++ {
		out = append(out, chunks[i]...)
	}
	return out
}

const pngSignature = "\x89PNG\r\n\x1a\n"

func pngProfile(data []byte) []byte {
	for i := len(pngSignature); i+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i:]))
		if n < 0 || i+12+n > len(data) {
			return nil
		}
		typ, body := string(data[i+4:i+8]), data[i+8:i+8+n]
		switch typ {
		case "iCCP":
			name := bytes.IndexByte(body, 0)
			if name < 1 || name+2 > len(body) || body[name+1] != 0 {
				return nil
			}
			r, err := zlib.NewReader(bytes.NewReader(body[name+2:]))
			if err != nil {
				return nil
			}
			out, err := io.ReadAll(io.LimitReader(r, maxProfile+1))
			if err != nil || len(out) > maxProfile {
				return nil
			}
			return out
		case "IDAT", "IEND":
			return nil // the profile comes before the pixels, or not at all
		}
		i += 12 + n
	}
	return nil
}

func webpProfile(data []byte) []byte {
	for i := 12; i+8 <= len(data); {
		n := int(binary.LittleEndian.Uint32(data[i+4:]))
		if n < 0 || i+8+n > len(data) {
			return nil
		}
		if string(data[i:i+4]) == "ICCP" {
			return bytes.Clone(data[i+8 : i+8+n])
		}
		i += 8 + n + n&1
	}
	return nil
}

// WithProfile returns a copy of a JPEG or PNG file carrying profile as its
// colour profile, in place of any it had. A nil profile returns the file
// as it is.
func WithProfile(data, profile []byte) ([]byte, error) {
	if len(profile) == 0 {
		return data, nil
	}
	switch {
	case isJPEG(data):
		return jpegWithProfile(data, profile)
	case bytes.HasPrefix(data, []byte(pngSignature)):
		return pngWithProfile(data, profile)
	}
	return nil, errors.New("not a JPEG or PNG file")
}

func jpegWithProfile(data, profile []byte) ([]byte, error) {
	segs, scan, err := jpegHeaders(data)
	if err != nil {
		return nil, err
	}
	count := (len(profile) + maxICCChunk - 1) / maxICCChunk
	if count > 255 {
		return nil, errors.New("the colour profile is too large for a JPEG")
	}
	var add []byte
	for i := 0; i < count; i++ {
		chunk := profile[i*maxICCChunk : min(len(profile), (i+1)*maxICCChunk)]
		add = append(add, jpegSegment(0xE2, append([]byte(iccJPEGHeader), byte(i+1), byte(count)), chunk)...)
	}
	out := make([]byte, 0, len(data)+len(add))
	out = append(out, 0xFF, 0xD8)
	rest := segs
	// The profile goes after the JFIF header, before everything else.
	if len(rest) > 0 && rest[0].marker == 0xE0 {
		out = append(out, data[rest[0].start:rest[0].end]...)
		rest = rest[1:]
	}
	out = append(out, add...)
	for _, s := range rest {
		if s.marker == 0xE2 && bytes.HasPrefix(s.payload(data), []byte(iccJPEGHeader)) {
			continue
		}
		out = append(out, data[s.start:s.end]...)
	}
	return append(out, data[scan:]...), nil
}

func pngWithProfile(data, profile []byte) ([]byte, error) {
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	w.Write(profile)
	w.Close()
	body := append([]byte("ICC profile\x00\x00"), z.Bytes()...)
	chunk := make([]byte, 8, 12+len(body))
	binary.BigEndian.PutUint32(chunk, uint32(len(body)))
	copy(chunk[4:], "iCCP")
	chunk = append(chunk, body...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))

	out := append([]byte{}, pngSignature...)
	placed := false
	for i := len(pngSignature); i+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i:]))
		if n < 0 || i+12+n > len(data) {
			return nil, errNotPNG
		}
		typ := string(data[i+4 : i+8])
		whole := data[i : i+12+n]
		i += 12 + n
		switch typ {
		case "iCCP", "sRGB", "gAMA", "cHRM":
			// The profile says it all; the others would contradict it.
			continue
		}
		out = append(out, whole...)
		if typ == "IHDR" && !placed {
			out = append(out, chunk...)
			placed = true
		}
		if typ == "IEND" {
			if !placed {
				return nil, errNotPNG
			}
			return out, nil
		}
	}
	return nil, errNotPNG
}
