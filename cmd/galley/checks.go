package main

import (
	"context"
	"errors"
	"fmt"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/spell"
	"app.galley/galley/internal/store"
)

// checksFailed is the error of `galley checks` when a check fails: the
// checks themselves went to standard output, this says how many.
type checksFailed struct {
	piece string
	n     int
}

func (c checksFailed) Error() string {
	if c.n == 1 {
		return fmt.Sprintf("%s: 1 check fails before publishing", c.piece)
	}
	return fmt.Sprintf("%s: %d checks fail before publishing", c.piece, c.n)
}

// cmdChecks prints the piece's pre-publish checks that fail, spelling
// among them, one a line, and fails when there is any, so a script can
// refuse to publish. Without a dictionary for the language, spelling is
// not checked and says so on standard error; the other checks still
// decide.
func cmdChecks(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("checks", &db)
	lang := fl.String("language", "", "check spelling in this language (en_US, en_GB, fr_FR …) instead of the library's")
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	slug, err := oneArg(fl, "piece (its slug)")
	if err != nil {
		return err
	}
	if *lang != "" && spell.Normalize(*lang) == "" {
		return usageError{fmt.Sprintf("--language %q is not a language; name one as en_US, en_GB or fr_FR", *lang)}
	}
	return withPiece(ctx, db, e, slug, false, func(st *store.Store, p *galley.Piece) error {
		problems, err := pieceChecks(ctx, st, p)
		if err != nil {
			return err
		}
		misspelt, err := spelling(ctx, st, p, *lang, e)
		if err != nil {
			return err
		}
		problems = append(problems, spell.Problems(misspelt)...)
		for _, pr := range problems {
			fmt.Fprintln(e.stdout, pr.Message)
		}
		if len(problems) > 0 {
			return checksFailed{p.Name(), len(problems)}
		}
		fmt.Fprintf(e.stderr, "galley: %s is ready: no check fails.\n", p.Name())
		return nil
	})
}

// pieceChecks runs the checks the desk shows above the piece, with the
// status of the related publications as the library has them.
func pieceChecks(ctx context.Context, st *store.Store, p *galley.Piece) ([]galley.Problem, error) {
	ids := make([]int64, 0, len(p.Related))
	for _, r := range p.Related {
		ids = append(ids, r.ID)
	}
	statuses, err := st.Statuses(ctx, ids)
	if err != nil {
		return nil, err
	}
	problems := p.Checks(func(id int64) (galley.Status, bool) { s, ok := statuses[id]; return s, ok })
	return append(problems, export.RawHTMLProblems(p)...), nil
}

// spelling checks p in lang, else in the piece's own language, else in
// the library's. A missing
// dictionary is said on standard error and checks nothing; the command
// goes on with the other checks.
func spelling(ctx context.Context, st *store.Store, p *galley.Piece, lang string, e env) ([]spell.Misspelling, error) {
	if lang == "" {
		lang = p.Lang
	}
	if lang == "" {
		var err error
		if lang, err = spell.LibraryLanguage(ctx, st, e.getenv); err != nil {
			return nil, err
		}
	}
	c, err := spell.ForLibrary(ctx, st, lang)
	var missing *spell.MissingError
	if errors.As(err, &missing) {
		fmt.Fprintf(e.stderr, "galley: spelling not checked: %v\n", err)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return c.CheckPiece(ctx, st, p)
}
