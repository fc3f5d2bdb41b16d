package seq

import "time"

var start = time.Now()

// nowSeconds returns the seconds since the package started (monotonic).
func nowSeconds() float64 { return time.Since(start).Seconds() }
