package exp

import (
	"fmt"
	"testing"
	"time"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/lessons/backbone"
	"github.com/deepnb/deepnb/lessons/transfer"
)

func TestExp(t *testing.T) {
	net, _ := datasets.TinyYOLO(2)
	b := backbone.New(net, backbone.MaxPool)
	start := time.Now()
	p, err := transfer.Photos(64)
	if err != nil {
		t.Fatal(err)
	}
	fp := transfer.Compute(b, p, transfer.FlipCrops)
	fmt.Println(fp, time.Since(start))
	d, err := transfer.Digits(1200)
	if err != nil {
		t.Fatal(err)
	}
	fd := transfer.Compute(b, d, transfer.NoAugment)
	fmt.Println(fd, time.Since(start))
	cfg := transfer.Config{Seeds: 3, Little: 5, TestPerClass: 8, LinearSteps: 150, FineTune: []int{1, 2}, Epochs: 4, TuneSteps: 30, LR: 1e-4}
	prog := func(s string) { fmt.Println(s, time.Since(start)) }
	os := transfer.Run(b, fp, cfg, prog)
	cfg.TestPerClass = 20
	os = append(os, transfer.Run(b, fd, cfg, prog)...)
	for _, o := range os {
		fmt.Printf("%-7s %-6s %-16s %.3f ± %.3f %v\n", o.Data, o.Regime, o.Strategy, o.Mean(), o.Std(), o.Acc)
	}
	fmt.Print(transfer.Table(os, "photos", "digits"))
}
