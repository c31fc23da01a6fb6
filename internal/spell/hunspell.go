//go:build cgo

package spell

/*
#cgo pkg-config: hunspell
#include <stdlib.h>
#include <hunspell.h>
*/
import "C"

import (
	"fmt"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
)

// Dictionary is one Hunspell dictionary (a .aff and a .dic file) in
// memory. It is safe for concurrent use: libhunspell's handle is not, so
// calls take turns, and the answers are remembered, because a piece
// repeats most of its words and a desk checks the same piece after every
// pause in typing.
type Dictionary struct {
	// Lang is the dictionary's name, as its files are named: "en_US".
	Lang string

	mu       sync.Mutex
	h        *C.Hunhandle
	enc      *encoding.Encoder // nil for a UTF-8 dictionary
	dec      *encoding.Decoder
	correct  map[string]bool
	suggests map[string][]string
}

// Libhunspell's limit on a word (MAXWORDUTF8LEN): longer ones are always
// refused, so they are not words to look up.
const maxWordBytes = 256

// cacheLimit bounds each cache of answers; past it the cache starts
// again, which costs a few milliseconds of lookups, not correctness.
const cacheLimit = 100_000

// Open reads the dictionary whose affix file is aff and word list dic.
// Libhunspell makes an empty dictionary of files it cannot read, which
// would call every word a misspelling, so both are checked first.
func Open(aff, dic string) (*Dictionary, error) {
	for _, f := range []string{aff, dic} {
		if err := readable(f); err != nil {
			return nil, fmt.Errorf("open the dictionary %s: %w", f, err)
		}
	}
	caff, cdic := C.CString(aff), C.CString(dic)
	defer C.free(unsafe.Pointer(caff))
	defer C.free(unsafe.Pointer(cdic))
	h := C.Hunspell_create(caff, cdic)
	if h == nil {
		return nil, fmt.Errorf("open the dictionary %s: libhunspell could not read it", dic)
	}
	d := &Dictionary{Lang: dictName(dic), h: h, correct: map[string]bool{}, suggests: map[string][]string{}}
	if name := C.GoString(C.Hunspell_get_dic_encoding(h)); !strings.EqualFold(name, "UTF-8") && name != "" {
		// Older dictionaries (some of Debian's among them) are in a
		// legacy 8-bit set; the words go to libhunspell in it.
		e, err := htmlindex.Get(strings.Replace(strings.ToLower(name), "iso8859-", "iso-8859-", 1))
		if err != nil {
			C.Hunspell_destroy(h)
			return nil, fmt.Errorf("open the dictionary %s: its character set %s is not one Galley knows", dic, name)
		}
		d.enc, d.dec = e.NewEncoder(), e.NewDecoder()
	}
	return d, nil
}

// Close frees the dictionary. It must not be used afterwards.
func (d *Dictionary) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.h != nil {
		C.Hunspell_destroy(d.h)
		d.h = nil
	}
}

// Correct reports whether the dictionary knows word, with its affixes
// ("negotiators" from "negotiator" and the plural rule) and the
// capitalisation a sentence or a heading gives it ("Talks", "TALKS").
func (d *Dictionary) Correct(word string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if ok, seen := d.correct[word]; seen {
		return ok
	}
	ok := d.spell(word)
	if len(d.correct) >= cacheLimit {
		clear(d.correct)
	}
	d.correct[word] = ok
	return ok
}

func (d *Dictionary) spell(word string) bool {
	if d.h == nil {
		return false
	}
	w, ok := d.encode(word)
	if !ok {
		return false
	}
	cw := C.CString(w)
	defer C.free(unsafe.Pointer(cw))
	return C.Hunspell_spell(d.h, cw) != 0
}

// Suggest returns up to n of libhunspell's suggestions for word, best
// first; none for a word it knows.
func (d *Dictionary) Suggest(word string, n int) []string {
	list, _ := d.suggestions(word, n, true)
	return list
}

// suggestions is Suggest, or with compute false only what was found
// before, and whether there was anything found before.
func (d *Dictionary) suggestions(word string, n int, compute bool) ([]string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	list, seen := d.suggests[word]
	if !seen && !compute {
		return nil, false
	}
	if !seen {
		list = d.suggest(word)
		if len(d.suggests) >= cacheLimit {
			clear(d.suggests)
		}
		d.suggests[word] = list
	}
	if len(list) > n {
		list = list[:n]
	}
	return append([]string(nil), list...), true
}

func (d *Dictionary) suggest(word string) []string {
	if d.h == nil {
		return nil
	}
	w, ok := d.encode(word)
	if !ok {
		return nil
	}
	cw := C.CString(w)
	defer C.free(unsafe.Pointer(cw))
	var list **C.char
	n := C.Hunspell_suggest(d.h, &list, cw)
	if n <= 0 || list == nil {
		return nil
	}
	defer C.Hunspell_free_list(d.h, &list, n)
	var out []string
	for _, s := range unsafe.Slice(list, int(n)) {
		if word, ok := d.decode(C.GoString(s)); ok {
			out = append(out, word)
		}
	}
	return out
}

// encode puts word in the dictionary's character set; a word with a
// letter the set lacks cannot be one of its words.
func (d *Dictionary) encode(word string) (string, bool) {
	if len(word) == 0 || len(word) >= maxWordBytes || strings.ContainsRune(word, 0) {
		return "", false
	}
	if d.enc == nil {
		return word, true
	}
	s, err := d.enc.String(word)
	return s, err == nil
}

func (d *Dictionary) decode(s string) (string, bool) {
	if d.dec == nil {
		return s, true
	}
	w, err := d.dec.String(s)
	return w, err == nil
}
