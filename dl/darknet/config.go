package darknet

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Section is one [type] block of a Darknet .cfg file with its key=value options, as written.
type Section struct {
	Type    string            // "net", "convolutional", "maxpool", "route", "upsample", "region", "yolo", …
	Line    int               // line of the [type] header, 1-based
	Options map[string]string // option values as written (whitespace removed)
}

// Config is a parsed Darknet .cfg file: a [net] section followed by the layers, in order.
type Config struct {
	Name     string // file name, used in error messages
	Sections []Section
}

// ParseConfig reads a Darknet .cfg file the way Darknet's read_cfg does: whitespace anywhere in
// a line is removed, empty lines and lines starting with '#' or ';' are skipped, "[type]"
// starts a section and every other line is key=value. name is the file name used in errors.
// ParseConfig checks the syntax only; NewNet checks the options.
func ParseConfig(r io.Reader, name string) (*Config, error) {
	c := &Config{Name: name}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\r' || r == '\n' || r == '\v' || r == '\f' {
				return -1
			}
			return r
		}, sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[':
			if len(line) < 3 || line[len(line)-1] != ']' {
				return nil, fmt.Errorf("darknet: %s:%d: malformed section header %q", name, n, line)
			}
			c.Sections = append(c.Sections, Section{Type: line[1 : len(line)-1], Line: n, Options: map[string]string{}})
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || k == "" {
				return nil, fmt.Errorf("darknet: %s:%d: want key=value, got %q", name, n, line)
			}
			if len(c.Sections) == 0 {
				return nil, fmt.Errorf("darknet: %s:%d: option %q before the first [section]", name, n, k)
			}
			c.Sections[len(c.Sections)-1].Options[k] = v
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("darknet: %s: line %d: %w", name, n+1, err)
	}
	if len(c.Sections) == 0 {
		return nil, fmt.Errorf("darknet: %s: no sections", name)
	}
	if t := c.Sections[0].Type; t != "net" && t != "network" {
		return nil, fmt.Errorf("darknet: %s:%d: first section is [%s], want [net]", name, c.Sections[0].Line, t)
	}
	return c, nil
}

// ParseConfigFile reads and parses the .cfg file at path.
func ParseConfigFile(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("darknet: %w", err)
	}
	defer f.Close()
	return ParseConfig(f, path)
}

// opts reads typed options of one section, remembering the first error, which names the file,
// the line of the section, the option and the value.
type opts struct {
	cfg *Config
	s   *Section
	err error
}

func (o *opts) fail(format string, args ...any) {
	if o.err == nil {
		o.err = fmt.Errorf("darknet: %s:%d: [%s]: %s", o.cfg.Name, o.s.Line, o.s.Type, fmt.Sprintf(format, args...))
	}
}

func (o *opts) int(key string, def int) int {
	v, ok := o.s.Options[key]
	if !ok {
		return def
	}
	i, err := strconv.Atoi(v)
	if err != nil {
		o.fail("option %s=%q is not an integer", key, v)
	} else if i > maxFloats || i < -maxFloats {
		// No option of a real net comes near this; bounding them keeps every size computed from
		// them (sums, and products checked by tooLarge) free of integer overflow.
		o.fail("option %s=%d is out of range (at most %d in magnitude)", key, i, maxFloats)
		return def
	}
	return i
}

func (o *opts) str(key, def string) string {
	if v, ok := o.s.Options[key]; ok {
		return v
	}
	return def
}

func (o *opts) ints(key string) []int {
	v, ok := o.s.Options[key]
	if !ok || v == "" {
		return nil
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		i, err := strconv.Atoi(f)
		if err != nil {
			o.fail("option %s=%q: %q is not an integer", key, v, f)
			return nil
		}
		if i > maxFloats || i < -maxFloats {
			o.fail("option %s=%q: %d is out of range (at most %d in magnitude)", key, v, i, maxFloats)
			return nil
		}
		out = append(out, i)
	}
	return out
}

func (o *opts) floats(key string) []float32 {
	v, ok := o.s.Options[key]
	if !ok || v == "" {
		return nil
	}
	var out []float32
	for _, f := range strings.Split(v, ",") {
		x, err := strconv.ParseFloat(f, 32)
		if err != nil {
			o.fail("option %s=%q: %q is not a number", key, v, f)
			return nil
		}
		out = append(out, float32(x))
	}
	return out
}
