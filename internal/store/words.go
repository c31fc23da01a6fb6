package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"app.galley/galley/internal/galley"
)

// The spelling check's facts live in library_meta, one row each, so the
// word list needs no table of its own (and no migration), travels with
// the library file and its backups, and two desks adding words at once
// each add a row rather than rewrite a shared list.
const (
	// wordKey + word: a word of the library's word list, known to the
	// spelling check in every piece ("Taylor", "Helsinki").
	wordKey = "spelling.word:"
	// ignoreKey + piece ID + ":" + word: a word let stand in one piece
	// only. Piece IDs are never reused, so a deleted piece's words never
	// reach another piece.
	ignoreKey = "spelling.ignore:"
	// languageKey: the dictionary the library's pieces are checked with.
	languageKey = "spelling.language"
)

// MaxWord is the longest word the word list takes, in characters: far
// past any word, short of a pasted sentence.
const MaxWord = 100

// Words lists the library's word list: the words its pieces may use
// beyond the dictionary's, sorted as a reader looks them up.
func (s *Store) Words(ctx context.Context) ([]string, error) {
	return s.metaWords(ctx, wordKey)
}

// AddWord adds word to the library's word list, as written: "Taylor" is
// then known in every piece, in capitals too; a word added in lower case
// is known however it is capitalised. Adding a word twice is no error.
func (s *Store) AddWord(ctx context.Context, word string) error {
	word, err := checkWord(word)
	if err != nil {
		return err
	}
	return s.putMeta(ctx, wordKey+word, formatTime(s.now()), 0, false)
}

// RemoveWord takes word off the library's word list; the spelling check
// flags it again. Removing a word not on the list is no error.
func (s *Store) RemoveWord(ctx context.Context, word string) error {
	return s.deleteMeta(ctx, wordKey+strings.TrimSpace(word))
}

// IgnoredWords lists the words let stand in the piece with the given ID
// only, sorted.
func (s *Store) IgnoredWords(ctx context.Context, pieceID int64) ([]string, error) {
	return s.metaWords(ctx, ignoreKey+strconv.FormatInt(pieceID, 10)+":")
}

// IgnoreWord lets word stand in the piece with the given ID, and in no
// other: a word right in one piece (a quoted misspelling, a foreign
// title) is still caught elsewhere.
func (s *Store) IgnoreWord(ctx context.Context, pieceID int64, word string) error {
	word, err := checkWord(word)
	if err != nil {
		return err
	}
	return s.putMeta(ctx, ignoreKey+strconv.FormatInt(pieceID, 10)+":"+word, formatTime(s.now()), pieceID, false)
}

// UnignoreWord undoes IgnoreWord.
func (s *Store) UnignoreWord(ctx context.Context, pieceID int64, word string) error {
	return s.deleteMeta(ctx, ignoreKey+strconv.FormatInt(pieceID, 10)+":"+strings.TrimSpace(word))
}

// SpellingLanguage is the language the library's pieces are checked in,
// as dictionaries are named ("en_GB"), or "" when the library has none
// of its own and the desk's choice applies.
func (s *Store) SpellingLanguage(ctx context.Context) (string, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	var lang string
	err = tx.QueryRowContext(ctx, `SELECT value FROM library_meta WHERE key = ?`, languageKey).Scan(&lang)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return lang, s.txError(err)
}

// SetSpellingLanguage sets the language the library's pieces are
// checked in; "" goes back to the desk's choice.
func (s *Store) SetSpellingLanguage(ctx context.Context, lang string) error {
	lang = strings.TrimSpace(lang)
	if lang == "" {
		return s.deleteMeta(ctx, languageKey)
	}
	if len(lang) > 20 || strings.ContainsFunc(lang, func(r rune) bool {
		return !(r == '_' || r == '-' || r == '.' || r == '@' || r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)))
	}) {
		return galley.Errorf(galley.EInvalid, "%q is not a language; name one as en_US, en_GB or fr_FR.", lang)
	}
	return s.putMeta(ctx, languageKey, lang, 0, true)
}

// checkWord trims word and refuses what cannot be one word of a text.
func checkWord(word string) (string, error) {
	word = strings.TrimSpace(word)
	switch {
	case word == "":
		return "", galley.Errorf(galley.EInvalid, "There is no word to add.")
	case strings.ContainsFunc(word, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		return "", galley.Errorf(galley.EInvalid, "%q is more than one word; add the words one at a time.", word)
	case !utf8.ValidString(word):
		return "", galley.Errorf(galley.EInvalid, "The word is not valid text.")
	case utf8.RuneCountInString(word) > MaxWord:
		return "", galley.Errorf(galley.EInvalid, "A word of %d characters is too long for the word list (the limit is %d).", utf8.RuneCountInString(word), MaxWord)
	}
	return word, nil
}

// metaWords lists the words stored under keys starting with prefix.
func (s *Store) metaWords(ctx context.Context, prefix string) ([]string, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// substr and length count characters alike in SQLite and PostgreSQL;
	// LIKE would need its wildcards escaped in a word.
	rows, err := tx.QueryContext(ctx, `SELECT key FROM library_meta WHERE substr(key, 1, length(?)) = ?`, prefix, prefix)
	if err != nil {
		return nil, s.txError(err)
	}
	defer rows.Close()
	var list []string
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			return nil, s.txError(err)
		}
		list = append(list, strings.TrimPrefix(key, prefix))
	}
	if err := rows.Err(); err != nil {
		return nil, s.txError(err)
	}
	galley.SortNames(list, func(w string) string { return w })
	return slices.Clip(list), nil
}

// putMeta sets key to value, or with replace false keeps the value a key
// already has (when a word was added, say). With a piece ID, the piece
// must be in the library: a word ignored in a piece deleted meanwhile is
// refused, not kept for nothing.
func (s *Store) putMeta(ctx context.Context, key, value string, pieceID int64, replace bool) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if pieceID != 0 {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM pieces WHERE id = ?`, pieceID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return galley.Errorf(galley.ENotFound, "Piece #%d is not in the library; save it first.", pieceID)
		}
		if err != nil {
			return s.txError(err)
		}
	}
	upsert := `INSERT INTO library_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`
	if replace {
		upsert = `INSERT INTO library_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`
	}
	if _, err := tx.ExecContext(ctx, upsert, key, value); err != nil {
		return s.txError(err)
	}
	return s.commit(tx)
}

// deleteMeta removes key.
func (s *Store) deleteMeta(ctx context.Context, key string) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM library_meta WHERE key = ?`, key); err != nil {
		return s.txError(err)
	}
	return s.commit(tx)
}
