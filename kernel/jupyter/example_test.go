package jupyter_test

import (
	"fmt"

	"github.com/deepnb/deepnb/kernel/jupyter"
)

func ExampleSign() {
	// The signature covers header, parent_header, metadata and content.
	fmt.Println(jupyter.Sign([]byte("Jefe"), []byte("what do ya "), []byte("want for nothing?")))
	// Output:
	// 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843
}

func ExampleParseFrames() {
	key := []byte("secret")
	m := jupyter.NewMessage("session-1", "kernel_info_request", struct{}{})
	frames, _ := m.Frames(key)
	fmt.Printf("%d frames, delimiter %q\n", len(frames), frames[0])
	if _, err := jupyter.ParseFrames(frames, []byte("wrong key")); err != nil {
		fmt.Println(err)
	}
	got, _ := jupyter.ParseFrames(frames, key)
	fmt.Println(got.Header.MsgType)
	// Output:
	// 6 frames, delimiter "<IDS|MSG>"
	// jupyter: invalid message signature (HMAC-SHA256 does not match the connection key)
	// kernel_info_request
}
