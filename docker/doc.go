// Package docker builds the students' image of the course (docker/Dockerfile) and serves the tests
// that run it and the class JupyterHub (docker/hub) on a real Docker engine.
//
// Layout:
//
//	docker/Dockerfile          the image: Jupyter, the Go (deepnb) kernel, the course, offline
//	docker/start-notebook.sh   its entry point (docker-stacks conventions)
//	docker/base/build.sh       a local golang:1.26-bookworm equivalent (debootstrap + docker import)
//	docker/hub                 jupyterhub_config.py, a fallback spawner and a Zero-to-JupyterHub values.yaml
//	docker/jupyterhttp         a Go client for a Jupyter server's HTTP and WebSocket API
package docker
