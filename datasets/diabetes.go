package datasets

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strconv"
)

// diabetesCSV is the committed diabetes table (diabetes/diabetes.csv, with its manifest and
// licence beside it).
//
//go:embed diabetes/diabetes.csv
var diabetesCSV []byte

// Table is a regression data set held in memory: Rows×len(Features) feature values, row-major,
// and one target per row.
type Table struct {
	Features []string
	X        [][]float64 // X[i] is row i's features, in the order of Features
	Y        []float64   // Y[i] is row i's target
	Target   string      // the target's name
}

// Len returns the number of rows.
func (t *Table) Len() int { return len(t.Y) }

// Diabetes returns the diabetes data of Efron, Hastie, Johnstone and Tibshirani (2004, "Least
// Angle Regression"), as scikit-learn ships it (Debian's python3-sklearn, BSD-3-Clause; see
// datasets/diabetes/manifest.json): 442 patients, ten baseline variables unscaled (age, sex,
// bmi, bp and six blood-serum measurements s1…s6) and the target y, disease progression one
// year after baseline. The table is compiled in: nothing is read at run time.
func Diabetes() (*Table, error) {
	return parseTable("diabetes/diabetes.csv", diabetesCSV)
}

// parseTable reads a CSV with a header whose last column is the target; errors name the file,
// the line and the field.
func parseTable(name string, data []byte) (*Table, error) {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("datasets: %s: %w", name, err)
	}
	if len(rows) < 2 || len(rows[0]) < 2 {
		return nil, fmt.Errorf("datasets: %s: want a header and at least one row of two or more columns", name)
	}
	head := rows[0]
	t := &Table{Features: head[:len(head)-1], Target: head[len(head)-1]}
	for i, r := range rows[1:] {
		vals := make([]float64, len(r))
		for j, s := range r {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("datasets: %s: line %d, column %s: %w", name, i+2, head[j], err)
			}
			vals[j] = v
		}
		t.X = append(t.X, vals[:len(vals)-1])
		t.Y = append(t.Y, vals[len(vals)-1])
	}
	return t, nil
}
