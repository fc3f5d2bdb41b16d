// Package jupyterhttp is a Go client for a running Jupyter server's HTTP API, as a browser uses it:
// the contents API (read and save notebooks), the kernels API, and code execution over a kernel's
// WebSocket channels. It reaches a server directly (token authentication) or through JupyterHub's
// proxy (the hub's login cookies), and serves the tests of the students' image and of the class
// JupyterHub.
//
//	srv := &jupyterhttp.Server{URL: "http://127.0.0.1:8888/", Token: token}
//	k, err := srv.StartKernel(ctx, "deepnb")
//	...
//	out, err := k.Execute(ctx, `fmt.Println("hello")`)
package jupyterhttp
