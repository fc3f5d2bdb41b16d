package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"
)

func TestDispatch(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		args       []string
		wantErr    string // "" means no error; "help" means flag.ErrHelp
		wantStdout string
		wantStderr string
	}{
		{[]string{"help"}, "", "Commands:", ""},
		{[]string{"--help"}, "", "doctor", ""},
		{nil, "no command given", "", "Usage:"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`, "", "Usage:"},
		{[]string{"install", "-h"}, "help", "", "-prefix"},
		{[]string{"help", "doctor"}, "help", "", "-sys-prefix"},
		{[]string{"install", "extra"}, "unexpected arguments", "", ""},
		{[]string{"doctor", "--bogus"}, "flag provided but not defined", "", ""},
	} {
		var stdout, stderr bytes.Buffer
		err := dispatch(context.Background(), tc.args, &stdout, &stderr)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("case %d: dispatch(%q): %v, want nil", i, tc.args, err)
		case tc.wantErr == "help" && !errors.Is(err, flag.ErrHelp):
			t.Errorf("case %d: dispatch(%q): %v, want flag.ErrHelp", i, tc.args, err)
		case tc.wantErr != "" && tc.wantErr != "help" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("case %d: dispatch(%q): %v, want an error containing %q", i, tc.args, err, tc.wantErr)
		}
		if !strings.Contains(stdout.String(), tc.wantStdout) {
			t.Errorf("case %d: dispatch(%q): stdout %q, want it to contain %q", i, tc.args, stdout.String(), tc.wantStdout)
		}
		if !strings.Contains(stderr.String(), tc.wantStderr) {
			t.Errorf("case %d: dispatch(%q): stderr %q, want it to contain %q", i, tc.args, stderr.String(), tc.wantStderr)
		}
	}
}
