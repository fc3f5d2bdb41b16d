package runner

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/deepnb/deepnb/kernel/nbformat"
)

// Tags of the papermill convention.
const (
	ParametersTag         = "parameters"
	InjectedParametersTag = "injected-parameters"
)

// Param is one notebook parameter given as name=value.
type Param struct {
	Name, Value string
}

// ParseParam parses "name=value".
func ParseParam(s string) (Param, error) {
	name, value, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || !token.IsIdentifier(name) {
		return Param{}, fmt.Errorf("parameter %q: want name=value with name a Go identifier", s)
	}
	return Param{Name: name, Value: value}, nil
}

// paramDecl is a variable or constant declared in the parameters cell.
type paramDecl struct {
	Type  string // Go type, "" if it cannot be told
	Const bool
}

// declaredParams parses the declarations of a GoNB parameters cell: the
// top-level var and const declarations before the "%%" line (`var epochs =
// 3`, `var lr float64 = 0.1`, `const name = "x"`) and the `name := value`
// statements after it. Types are the declared ones, or inferred from the
// literal: int, float64, string, bool, rune, time.Duration
// (`5 * time.Second`, `time.Duration(n)`), or a conversion T(x).
func declaredParams(src string) (map[string]paramDecl, error) {
	var decls, body []string
	inBody := false
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "%%" || strings.HasPrefix(t, "%% ") || t == "%main":
			inBody = true
			continue
		case strings.HasPrefix(t, "%") || strings.HasPrefix(t, "!"):
			line = "" // GoNB special command; keep line numbers
		}
		if inBody {
			body = append(body, line)
		} else {
			decls = append(decls, line)
		}
	}
	out := map[string]paramDecl{}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "parameters.go", "package main\n"+strings.Join(decls, "\n"), parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parse the parameters cell: %w", err)
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || (g.Tok != token.VAR && g.Tok != token.CONST) {
			continue
		}
		var lastType ast.Expr // const blocks repeat the previous spec
		var lastValues []ast.Expr
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			typ, values := vs.Type, vs.Values
			if g.Tok == token.CONST && typ == nil && values == nil {
				typ, values = lastType, lastValues
			}
			lastType, lastValues = typ, values
			for i, n := range vs.Names {
				pd := paramDecl{Const: g.Tok == token.CONST}
				if typ != nil {
					pd.Type = types.ExprString(typ)
				} else if len(values) == len(vs.Names) {
					pd.Type = inferType(values[i])
				}
				out[n.Name] = pd
			}
		}
	}
	if len(body) > 0 {
		f, err := parser.ParseFile(fset, "parameters.go", "package main\nfunc main() {\n"+strings.Join(body, "\n")+"\n}", parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("parse the parameters cell: %w", err)
		}
		for _, st := range f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body.List {
			switch st := st.(type) {
			case *ast.AssignStmt:
				if st.Tok != token.DEFINE || len(st.Lhs) != len(st.Rhs) {
					continue
				}
				for i, l := range st.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						out[id.Name] = paramDecl{Type: inferType(st.Rhs[i])}
					}
				}
			case *ast.DeclStmt:
				if g, ok := st.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
					for _, s := range g.Specs {
						vs := s.(*ast.ValueSpec)
						for i, n := range vs.Names {
							pd := paramDecl{}
							if vs.Type != nil {
								pd.Type = types.ExprString(vs.Type)
							} else if len(vs.Values) == len(vs.Names) {
								pd.Type = inferType(vs.Values[i])
							}
							out[n.Name] = pd
						}
					}
				}
			}
		}
	}
	return out, nil
}

// inferType returns the default type of an untyped-literal expression, or "".
func inferType(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.INT:
			return "int"
		case token.FLOAT:
			return "float64"
		case token.STRING:
			return "string"
		case token.CHAR:
			return "rune"
		}
	case *ast.Ident:
		if e.Name == "true" || e.Name == "false" {
			return "bool"
		}
	case *ast.ParenExpr:
		return inferType(e.X)
	case *ast.UnaryExpr:
		return inferType(e.X)
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && x.Name == "time" {
			switch e.Sel.Name {
			case "Nanosecond", "Microsecond", "Millisecond", "Second", "Minute", "Hour":
				return "time.Duration"
			}
		}
	case *ast.BinaryExpr:
		l, r := inferType(e.X), inferType(e.Y)
		switch {
		case l == "time.Duration" || r == "time.Duration":
			return "time.Duration"
		case l == "float64" || r == "float64":
			return "float64"
		case l == r:
			return l
		}
	case *ast.CallExpr:
		if len(e.Args) == 1 {
			if t := types.ExprString(e.Fun); renderable(t) {
				return t // a conversion such as float32(0.1) or time.Duration(5)
			}
		}
	}
	return ""
}

func renderable(t string) bool {
	switch t {
	case "string", "bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
		"float32", "float64", "rune", "byte", "time.Duration":
		return true
	}
	return false
}

// literal renders value as a Go expression of type typ.
func literal(typ, value string) (string, error) {
	switch typ {
	case "string":
		return strconv.Quote(value), nil
	case "bool":
		b, err := strconv.ParseBool(value)
		if err != nil {
			return "", fmt.Errorf("%q is not a bool", value)
		}
		return strconv.FormatBool(b), nil
	case "int", "int8", "int16", "int32", "int64", "rune":
		bits := map[string]int{"int": 64, "int8": 8, "int16": 16, "int32": 32, "int64": 64, "rune": 32}[typ]
		n, err := strconv.ParseInt(strings.ReplaceAll(value, "_", ""), 0, bits)
		if err != nil {
			return "", fmt.Errorf("%q is not an %s", value, typ)
		}
		return strconv.FormatInt(n, 10), nil
	case "uint", "uint8", "uint16", "uint32", "uint64", "byte":
		bits := map[string]int{"uint": 64, "uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64, "byte": 8}[typ]
		n, err := strconv.ParseUint(strings.ReplaceAll(value, "_", ""), 0, bits)
		if err != nil {
			return "", fmt.Errorf("%q is not a %s", value, typ)
		}
		return strconv.FormatUint(n, 10), nil
	case "float32", "float64":
		bits := 64
		if typ == "float32" {
			bits = 32
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(value, "_", ""), bits)
		if err != nil {
			return "", fmt.Errorf("%q is not a %s", value, typ)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			// Not Go literals: NaN and Inf render as the math calls that make them.
			call := "math.NaN()"
			if math.IsInf(f, 1) {
				call = "math.Inf(1)"
			} else if math.IsInf(f, -1) {
				call = "math.Inf(-1)"
			}
			if typ == "float32" {
				call = "float32(" + call + ")"
			}
			return call, nil
		}
		return strconv.FormatFloat(f, 'g', -1, bits), nil
	case "time.Duration":
		d, err := time.ParseDuration(value)
		if err != nil {
			return "", fmt.Errorf("%q is not a time.Duration (want e.g. 1m30s, 500ms)", value)
		}
		return fmt.Sprintf("time.Duration(%d) /* %v */", int64(d), d), nil
	}
	return "", fmt.Errorf("type %s is not supported (use string, bool, an integer or float type, or time.Duration)", typ)
}

// guessType gives a parameter not declared in the parameters cell the type
// its value looks like: bool, int, float64 or else string.
func guessType(value string) string {
	if _, err := strconv.ParseBool(value); err == nil && value != "0" && value != "1" {
		return "bool"
	}
	if _, err := strconv.ParseInt(value, 10, 64); err == nil {
		return "int"
	}
	if _, err := strconv.ParseFloat(value, 64); err == nil {
		return "float64"
	}
	return "string"
}

// RenderParams returns the source of the injected-parameters cell for a
// notebook whose parameters cell has source paramsSrc (may be empty): one
// `var name T = value` per parameter (`const` if declared const), typed by
// the declaration in the parameters cell. GoNB keeps top-level declarations
// across cells, a later declaration replacing an earlier one of the same
// name, so the injected cell overrides the defaults for all later cells.
func RenderParams(paramsSrc string, params []Param) (string, error) {
	decls, err := declaredParams(paramsSrc)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	sb.WriteString("// Parameters injected by deepnb run.\n")
	for _, p := range params {
		d, declared := decls[p.Name]
		typ := d.Type
		if !declared {
			typ = guessType(p.Value)
		} else if typ == "" {
			return "", fmt.Errorf("parameter %s: cannot tell its type from the parameters cell; declare it with a type, e.g. `var %s float64 = ...`", p.Name, p.Name)
		}
		lit, err := literal(typ, p.Value)
		if err != nil {
			return "", fmt.Errorf("parameter %s: %w", p.Name, err)
		}
		kw := "var"
		if d.Const {
			kw = "const"
			if strings.Contains(lit, "math.") {
				return "", fmt.Errorf("parameter %s: %s: a constant cannot be NaN or infinite; declare it with var", p.Name, p.Value)
			}
		}
		fmt.Fprintf(&sb, "%s %s %s = %s\n", kw, p.Name, typ, lit)
	}
	return strings.TrimSuffix(sb.String(), "\n"), nil
}

// InjectParams inserts, after the first code cell tagged "parameters" (or
// at the top if there is none), a code cell tagged "injected-parameters"
// that sets params (see [RenderParams]), replacing any injected-parameters
// cell from an earlier run. The values are also recorded in the notebook
// metadata under deepnb.parameters. With no params it does nothing.
func InjectParams(nb *nbformat.Notebook, params []Param) error {
	_, err := injectParams(nb, params)
	return err
}

// injectParams is [InjectParams], also returning warnings as papermill
// gives them: for a notebook without a parameters cell, and for parameters
// its parameters cell does not declare.
func injectParams(nb *nbformat.Notebook, params []Param) (warnings []string, err error) {
	if len(params) == 0 {
		return nil, nil
	}
	cells := nb.Cells[:0:0]
	for _, c := range nb.Cells {
		if !c.HasTag(InjectedParametersTag) {
			cells = append(cells, c)
		}
	}
	at, src, found := 0, "", false
	for i, c := range cells {
		if c.CellType == "code" && c.HasTag(ParametersTag) {
			at, src, found = i+1, c.Source, true
			break
		}
	}
	code, err := RenderParams(src, params)
	if err != nil {
		return nil, err
	}
	var names, unknown []string
	decls, _ := declaredParams(src) // RenderParams parsed it already
	for _, p := range params {
		names = append(names, p.Name)
		if _, ok := decls[p.Name]; !ok && !slices.Contains(unknown, p.Name) {
			unknown = append(unknown, p.Name)
		}
	}
	switch {
	case !found:
		warnings = append(warnings, fmt.Sprintf("no code cell tagged %q: %s %s injected in a new cell at the top of the notebook, typed by %s",
			ParametersTag, plural(len(names), "parameter", "parameters"), strings.Join(names, ", "), plural(len(names), "its value", "their values")))
	case len(unknown) > 0:
		warnings = append(warnings, fmt.Sprintf("%s %s %s not declared in the cell tagged %q (injected anyway, as new %s typed by %s)",
			plural(len(unknown), "parameter", "parameters"), strings.Join(unknown, ", "), plural(len(unknown), "is", "are"), ParametersTag,
			plural(len(unknown), "variable", "variables"), plural(len(unknown), "its value", "their values")))
	}
	cell := nbformat.NewCodeCell(code)
	cell.Metadata["tags"] = []any{InjectedParametersTag}
	cells = append(cells[:at], append([]*nbformat.Cell{cell}, cells[at:]...)...)
	nb.Cells = cells
	if nb.Metadata == nil {
		nb.Metadata = map[string]any{}
	}
	dm, _ := nb.Metadata["deepnb"].(map[string]any)
	if dm == nil {
		dm = map[string]any{}
		nb.Metadata["deepnb"] = dm
	}
	pm := map[string]any{}
	for _, p := range params {
		pm[p.Name] = p.Value
	}
	dm["parameters"] = pm
	return warnings, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
