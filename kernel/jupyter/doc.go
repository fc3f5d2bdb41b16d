// Package jupyter is a client for the Jupyter messaging protocol (version 5.3)
// over ZeroMQ, written on github.com/go-zeromq/zmq4: what jupyter_client is
// for Python, with no Python.
//
// # Overview
//
// [FindKernelSpec] looks a kernelspec up by name in the standard Jupyter
// data directories; [Start] writes a connection file (free loopback ports, a
// fresh random HMAC-SHA256 key), launches the kernel process, connects the
// five channels (shell, control and stdin as DEALER, iopub as SUB, heartbeat
// as REQ) and waits for the kernel to answer a kernel_info_request. Then
// [Client.Execute] runs code and streams the iopub messages it causes,
// [Client.Interrupt] interrupts it and [Client.Close] shuts the kernel down
// and kills its process.
//
// # Wire format
//
// A message travels as the ZeroMQ frames
//
//	[identities...] "<IDS|MSG>" signature header parent_header metadata content [buffers...]
//
// where signature is the hex HMAC-SHA256, under the connection key, of the
// four JSON frames header, parent_header, metadata and content in that order
// ([Sign]). [Message.Frames] builds them; [ParseFrames] checks the signature
// and decodes them.
//
// # Errors
//
// A message whose signature does not verify is rejected: it is never handed
// on, and [ErrBadSignature] is reported (wrapped in a [*ProtocolError] naming
// the channel) to whatever is waiting on the kernel. A kernel that exits or
// stops answering heartbeats makes pending calls return a [*DeadError].
package jupyter
