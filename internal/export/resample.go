package export

import (
	"image"
	"math"
)

// catmullRom resizes src to w×h with the Catmull-Rom cubic, in two passes
// (across, then down) through an 8-bit intermediate image. It does what
// x/image/draw's CatmullRom.Scale does, but its intermediate takes 4 bytes
// a pixel instead of 32, which keeps an export of thousands of photos
// within a modest amount of memory.
func catmullRom(src *image.RGBA, w, h int) *image.RGBA {
	sw, sh := src.Bounds().Dx(), src.Bounds().Dy()
	across := weights(sw, w)
	down := weights(sh, h)

	tmp := image.NewRGBA(image.Rect(0, 0, w, sh))
	for y := 0; y < sh; y++ {
		in := src.Pix[y*src.Stride : y*src.Stride+4*sw]
		out := tmp.Pix[y*tmp.Stride : y*tmp.Stride+4*w]
		for x := 0; x < w; x++ {
			var r, g, b, a float32
			k := across[x]
			for t, wt := range k.w {
				p := 4 * (k.start + t)
				r += wt * float32(in[p])
				g += wt * float32(in[p+1])
				b += wt * float32(in[p+2])
				a += wt * float32(in[p+3])
			}
			putPixel(out[4*x:], r, g, b, a)
		}
	}

	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		k := down[y]
		out := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
		for x := 0; x < w; x++ {
			var r, g, b, a float32
			for t, wt := range k.w {
				p := (k.start+t)*tmp.Stride + 4*x
				r += wt * float32(tmp.Pix[p])
				g += wt * float32(tmp.Pix[p+1])
				b += wt * float32(tmp.Pix[p+2])
				a += wt * float32(tmp.Pix[p+3])
			}
			putPixel(out[4*x:], r, g, b, a)
		}
	}
	return dst
}

// putPixel stores rounded, clamped channels. Colour never exceeds alpha in
// premultiplied RGBA; the cubic's overshoot could make it, so it is capped.
func putPixel(p []uint8, r, g, b, a float32) {
	alpha := clamp8(a)
	p[3] = alpha
	p[0] = min(clamp8(r), alpha)
	p[1] = min(clamp8(g), alpha)
	p[2] = min(clamp8(b), alpha)
}

func clamp8(v float32) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// kernel is the run of source samples one destination sample reads.
type kernel struct {
	start int
	w     []float32 // normalised: they sum to 1
}

// weights computes, for each of n destination samples, the Catmull-Rom
// weights over the srcN source samples it covers. Shrinking widens the
// kernel by the scale, so every source sample contributes.
func weights(srcN, n int) []kernel {
	scale := float64(srcN) / float64(n)
	stretch := math.Max(scale, 1)
	support := 2 * stretch
	ks := make([]kernel, n)
	for i := range ks {
		center := (float64(i)+0.5)*scale - 0.5
		lo := int(math.Ceil(center - support))
		hi := int(math.Floor(center + support))
		lo, hi = max(lo, 0), min(hi, srcN-1)
		w := make([]float32, hi-lo+1)
		var sum float64
		for j := lo; j <= hi; j++ {
			v := cubic(math.Abs(float64(j)-center) / stretch)
			w[j-lo] = float32(v)
			sum += v
		}
		if sum != 0 {
			for t := range w {
				w[t] = float32(float64(w[t]) / sum)
			}
		}
		ks[i] = kernel{start: lo, w: w}
	}
	return ks
}

// cubic is the Catmull-Rom spline (B=0, C=1/2).
func cubic(x float64) float64 {
	switch {
	case x < 1:
		return (1.5*x-2.5)*x*x + 1
	case x < 2:
		return ((-0.5*x+2.5)*x-4)*x + 2
	}
	return 0
}
