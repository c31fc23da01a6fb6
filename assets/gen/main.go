// Command gen draws the images Galley ships: the application icon and the
// photos of the sample desk. They are painted here from code, so the
// project owns every pixel. Run it with `go generate ./assets`; the output
// is deterministic.
package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"

	"golang.org/x/image/draw"
	"golang.org/x/image/vector"
)

func main() {
	out := "."
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	if err := writePNG(filepath.Join(out, "icon.png"), icon(512)); err != nil {
		log.Fatal(err)
	}
	for _, s := range scenes {
		img := paint(s, 1600, 1067)
		if err := writeJPEG(filepath.Join(out, "sample", "photos", s.name+".jpg"), img); err != nil {
			log.Fatal(err)
		}
	}
}

func writePNG(path string, img image.Image) error {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

func writeJPEG(path string, img image.Image) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 84}); err != nil {
		return err
	}
	fmt.Printf("%s: %d KB\n", path, b.Len()>>10)
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// scene describes one painted landscape.
type scene struct {
	name               string
	skyTop, skyHorizon color.RGBA
	sun                color.RGBA
	sunX, sunY, sunR   float64
	ridges             []color.RGBA // far to near
	water              bool         // a lake or sea below the horizon
	river              bool         // a river winding through the near ground
	city               bool         // a skyline on the horizon
	dam                bool         // a dam wall across the valley
	seed               float64
}

var scenes = []scene{
	{name: "river-valley-dusk", skyTop: rgb(46, 52, 110), skyHorizon: rgb(247, 165, 98), sun: rgb(255, 222, 160),
		sunX: 0.68, sunY: 0.42, sunR: 0.05, ridges: []color.RGBA{rgb(120, 98, 140), rgb(82, 70, 112), rgb(48, 44, 78), rgb(28, 30, 52)},
		river: true, seed: 1},
	{name: "reservoir-dam", skyTop: rgb(90, 150, 205), skyHorizon: rgb(214, 232, 240), sun: rgb(255, 250, 230),
		sunX: 0.22, sunY: 0.18, sunR: 0.035, ridges: []color.RGBA{rgb(140, 160, 170), rgb(96, 122, 110), rgb(66, 92, 70)},
		water: true, dam: true, seed: 2},
	{name: "harbor-morning", skyTop: rgb(150, 186, 222), skyHorizon: rgb(250, 214, 180), sun: rgb(255, 240, 200),
		sunX: 0.4, sunY: 0.44, sunR: 0.04, ridges: []color.RGBA{rgb(170, 160, 170)},
		water: true, city: true, seed: 3},
	{name: "delta-fields", skyTop: rgb(110, 160, 210), skyHorizon: rgb(230, 236, 224), sun: rgb(255, 255, 240),
		sunX: 0.82, sunY: 0.15, sunR: 0.03, ridges: []color.RGBA{rgb(150, 170, 150), rgb(120, 150, 90), rgb(90, 128, 60)},
		river: true, seed: 4},
	{name: "capitol-evening", skyTop: rgb(24, 34, 72), skyHorizon: rgb(200, 120, 110), sun: rgb(255, 200, 170),
		sunX: 0.15, sunY: 0.5, sunR: 0.03, ridges: []color.RGBA{rgb(70, 60, 90)},
		water: true, city: true, seed: 5},
	{name: "glacier-source", skyTop: rgb(70, 120, 180), skyHorizon: rgb(200, 220, 235), sun: rgb(255, 255, 255),
		sunX: 0.75, sunY: 0.12, sunR: 0.025, ridges: []color.RGBA{rgb(225, 232, 240), rgb(160, 178, 196), rgb(100, 118, 130), rgb(60, 74, 80)},
		river: true, seed: 6},
}

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 255} }

func mix(a, b color.RGBA, t float64) color.RGBA {
	t = math.Max(0, math.Min(1, t))
	f := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 255}
}

// ridge is a smooth pseudo-random skyline: a sum of sines with phases from
// the seed, so every scene has its own mountains.
func ridge(x, seed float64, layer int) float64 {
	l := float64(layer)
	v := 0.0
	amp, freq := 1.0, 2.0+l
	for o := 0; o < 5; o++ {
		phase := math.Sin(seed*12.9898+l*78.233+float64(o)*37.719) * 43758.5453
		v += amp * math.Sin(x*freq*math.Pi+phase)
		amp *= 0.5
		freq *= 2.1
	}
	return v
}

// paint renders a scene at twice the size and scales it down, which
// smooths every edge.
func paint(s scene, w, h int) image.Image {
	W, H := w*2, h*2
	big := image.NewRGBA(image.Rect(0, 0, W, H))
	horizon := 0.58
	if !s.water {
		horizon = 0.75
	}
	for py := 0; py < H; py++ {
		y := float64(py) / float64(H)
		for px := 0; px < W; px++ {
			x := float64(px) / float64(W)
			big.SetRGBA(px, py, s.pixel(x, y, horizon, float64(W)/float64(H)))
		}
	}
	small := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(small, small.Bounds(), big, big.Bounds(), draw.Src, nil)
	return small
}

func (s scene) pixel(x, y, horizon, aspect float64) color.RGBA {
	sky := func(y float64) color.RGBA {
		c := mix(s.skyTop, s.skyHorizon, math.Pow(y/horizon, 1.6))
		d := math.Hypot((x-s.sunX)*aspect, y-s.sunY)
		if d < s.sunR {
			return s.sun
		}
		return mix(c, s.sun, 0.55*math.Exp(-(d-s.sunR)*9))
	}
	if s.water && y > horizon {
		// The sea mirrors the sky, darker, broken by ripples.
		depth := (y - horizon) / (1 - horizon)
		mirror := horizon - (y-horizon)*0.8
		c := sky(math.Max(mirror, 0.01))
		ripple := 0.5 + 0.5*math.Sin(y*900*(0.3+depth)+math.Sin(x*40+s.seed)*2)
		c = mix(c, rgb(20, 40, 70), 0.35+0.35*depth)
		if s.dam && y < horizon+0.02 {
			return rgb(150, 150, 145)
		}
		return mix(c, rgb(255, 255, 255), 0.08*ripple*(1-depth))
	}
	c := sky(y)
	n := len(s.ridges)
	for i, col := range s.ridges {
		top := horizon - 0.05*float64(n-i) - 0.06*ridge(x, s.seed, i)*(1-0.15*float64(i))
		if !s.water {
			top = horizon - 0.32 + 0.08*float64(i) + 0.09*ridge(x, s.seed, i)
		}
		if y > top {
			shade := math.Min((y-top)*3, 1)
			c = mix(col, mix(col, rgb(0, 0, 0), 0.25), shade)
		}
	}
	if s.city {
		c = s.skyline(x, y, horizon, c)
	}
	if s.dam && y > horizon-0.12 && y <= horizon && x > 0.3 && x < 0.7 {
		c = mix(rgb(190, 188, 180), rgb(140, 138, 130), (y-(horizon-0.12))/0.12)
	}
	if s.river && !s.water && y > horizon-0.2 {
		t := (y - (horizon - 0.2)) / (1.2 - horizon)
		center := 0.5 + 0.18*math.Sin(t*5+s.seed)*(1-0.3*t)
		width := 0.01 + 0.12*t*t
		if d := math.Abs(x - center); d < width {
			water := mix(sky(0.2+0.3*t), rgb(30, 60, 90), 0.3)
			edge := d / width
			c = mix(water, c, math.Pow(edge, 6))
		}
	}
	return c
}

// skyline draws blocks of buildings with lit windows along the horizon.
func (s scene) skyline(x, y, horizon float64, c color.RGBA) color.RGBA {
	const blocks = 38
	i := math.Floor(x * blocks)
	r := math.Abs(math.Sin(i*12.9898+s.seed*4.1) * 43758.5453)
	r -= math.Floor(r)
	height := 0.03 + 0.16*r*r
	if x > 0.47 && x < 0.53 {
		height = 0.2 // a dome-topped landmark in the middle
		if d := math.Hypot((x-0.5)*2.4, y-(horizon-0.2)); d < 0.06 {
			return rgb(60, 58, 80)
		}
	}
	if y > horizon-height && y <= horizon {
		base := rgb(52, 54, 78)
		fx, fy := math.Mod(x*blocks*6, 1), math.Mod((horizon-y)*160, 1)
		lit := math.Abs(math.Sin(math.Floor(x*blocks*6)*3.7+math.Floor((horizon-y)*160)*1.3+s.seed)) > 0.6
		if fx > 0.3 && fx < 0.7 && fy > 0.3 && fy < 0.7 && lit {
			return rgb(250, 214, 140)
		}
		return base
	}
	return c
}

// icon draws Galley's icon: a page proof on an ink-blue tile, its lines of
// type set, one marked with the editor's red.
func icon(size int) image.Image {
	s := float32(size)
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	fill := func(c color.RGBA, path func(r *vector.Rasterizer)) {
		r := vector.NewRasterizer(size, size)
		path(r)
		r.Draw(img, img.Bounds(), image.NewUniform(c), image.Point{})
	}
	roundRect := func(x0, y0, x1, y1, rad float32) func(r *vector.Rasterizer) {
		return func(r *vector.Rasterizer) {
			k := rad * 0.4477 // control offset approximating a quarter circle
			r.MoveTo(x0+rad, y0)
			r.LineTo(x1-rad, y0)
			r.CubeTo(x1-k, y0, x1, y0+k, x1, y0+rad)
			r.LineTo(x1, y1-rad)
			r.CubeTo(x1, y1-k, x1-k, y1, x1-rad, y1)
			r.LineTo(x0+rad, y1)
			r.CubeTo(x0+k, y1, x0, y1-k, x0, y1-rad)
			r.LineTo(x0, y0+rad)
			r.CubeTo(x0, y0+k, x0+k, y0, x0+rad, y0)
			r.ClosePath()
		}
	}
	fill(rgb(28, 48, 92), roundRect(0.04*s, 0.04*s, 0.96*s, 0.96*s, 0.2*s))
	// The page, slightly tilted by a folded corner.
	fill(rgb(250, 247, 240), func(r *vector.Rasterizer) {
		r.MoveTo(0.24*s, 0.16*s)
		r.LineTo(0.64*s, 0.16*s)
		r.LineTo(0.78*s, 0.30*s)
		r.LineTo(0.78*s, 0.86*s)
		r.LineTo(0.24*s, 0.86*s)
		r.ClosePath()
	})
	fill(rgb(210, 204, 190), func(r *vector.Rasterizer) {
		r.MoveTo(0.64*s, 0.16*s)
		r.LineTo(0.78*s, 0.30*s)
		r.LineTo(0.64*s, 0.30*s)
		r.ClosePath()
	})
	// A headline and lines of text.
	fill(rgb(28, 48, 92), roundRect(0.31*s, 0.24*s, 0.58*s, 0.31*s, 0.015*s))
	widths := []float32{0.40, 0.40, 0.34, 0.40, 0.28}
	for i, wdt := range widths {
		y := 0.40*s + float32(i)*0.085*s
		c := rgb(120, 128, 145)
		if i == 2 {
			c = rgb(200, 40, 48)
		}
		fill(c, roundRect(0.31*s, y, 0.31*s+wdt*s, y+0.035*s, 0.0175*s))
	}
	return img
}
