package datasets

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestDiabetes(t *testing.T) {
	tab, err := Diabetes()
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != 442 || len(tab.Features) != 10 || tab.Target != "y" {
		t.Fatalf("got %d rows, features %v, target %q; want 442 rows of 10 features and y", tab.Len(), tab.Features, tab.Target)
	}
	// The first patient, as in scikit-learn's diabetes_data_raw.csv.gz and diabetes_target.csv.gz.
	want := []float64{59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87}
	for j, v := range want {
		if tab.X[0][j] != v {
			t.Errorf("X[0][%d] = %v, want %v", j, tab.X[0][j], v)
		}
	}
	if tab.Y[0] != 151 {
		t.Errorf("Y[0] = %v, want 151", tab.Y[0])
	}
	// The committed file matches its manifest.
	var m struct {
		SHA256 string `json:"sha256"`
		Rows   int    `json:"rows"`
	}
	b, err := os.ReadFile("diabetes/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(diabetesCSV)
	if got := hex.EncodeToString(sum[:]); got != m.SHA256 || m.Rows != tab.Len() {
		t.Errorf("diabetes.csv sha256 %s, %d rows; manifest says %s, %d", got, tab.Len(), m.SHA256, m.Rows)
	}
}

func TestParseTableErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a,y\n1,x\n", "line 2, column y"},
		{"a\n1\n", "at least one row of two"},
		{"a,y\n1,2,3\n", "wrong number of fields"},
	} {
		_, err := parseTable("t.csv", []byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "t.csv") {
			t.Errorf("%q: error %v, want one naming t.csv and %q", tc.in, err, tc.want)
		}
	}
}
