package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"app.galley/galley/internal/galley"
)

// cmdTopics lists the topic vocabulary, or renames or merges a topic as
// the desk's topic manager does.
func cmdTopics(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("topics", &db)
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	rest := fl.Args()
	switch {
	case len(rest) == 0:
	case (rest[0] == "rename" || rest[0] == "merge") && len(rest) == 3:
	default:
		return usageError{"topics takes nothing (to list them), rename OLD NEW, or merge FROM INTO"}
	}
	st, err := openLibrary(ctx, db, e)
	if err != nil {
		return err
	}
	defer st.Close()
	topics, err := st.Topics(ctx)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		for _, t := range topics {
			fmt.Fprintf(tw, "%s\t%s\n", t.Name, plural(t.Pieces, "piece"))
		}
		return tw.Flush()
	}
	from, err := topicNamed(topics, rest[1])
	if err != nil {
		return err
	}
	if rest[0] == "rename" {
		if err := st.RenameTopic(ctx, from.ID, rest[2]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Renamed %q to %q on %s.\n", from.Name, rest[2], plural(from.Pieces, "piece"))
		return nil
	}
	into, err := topicNamed(topics, rest[2])
	if err != nil {
		return err
	}
	if err := st.MergeTopics(ctx, from.ID, into.ID); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Merged %q into %q.\n", from.Name, into.Name)
	return nil
}

// topicNamed finds the topic named name, whatever its case (NameKey).
func topicNamed(topics []galley.Topic, name string) (galley.Topic, error) {
	for _, t := range topics {
		if galley.NameKey(t.Name) == galley.NameKey(name) {
			return t, nil
		}
	}
	return galley.Topic{}, galley.Errorf(galley.ENotFound, "No topic is named %q; galley topics lists them.", name)
}
