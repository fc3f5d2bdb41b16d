package rl

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"sort"
	"strings"
)

// GameImage draws the boards of a game side by side, 32 pixels a cell, e.g. the boards PlayGame
// returns: the static picture of a game for notebooks and saved outputs.
func GameImage(boards []Board) image.Image {
	const cell, gap = 32, 8
	w := 3*cell + 1
	img := newCanvas(max(1, len(boards)*(w+gap)-gap), w, color.RGBA{255, 255, 255, 255})
	for i, b := range boards {
		bi := b.image(cell)
		draw.Draw(img, bi.Bounds().Add(image.Pt(i*(w+gap), 0)), bi, image.Point{}, draw.Src)
	}
	return img
}

// Reachable returns every board reachable from the empty board by legal play (5478 of them),
// in increasing Key order.
func Reachable() []Board {
	seen := map[uint32]Board{}
	var walk func(b Board)
	walk = func(b Board) {
		if _, ok := seen[b.Key()]; ok {
			return
		}
		seen[b.Key()] = b
		for _, c := range b.Moves() {
			walk(b.Play(c))
		}
	}
	walk(Board{})
	keys := make([]int, 0, len(seen))
	for k := range seen {
		keys = append(keys, int(k))
	}
	sort.Ints(keys)
	out := make([]Board, len(keys))
	for i, k := range keys {
		out[i] = seen[uint32(k)]
	}
	return out
}

// PlayableHTML returns a self-contained HTML board (with its JavaScript) on which a person
// plays tic-tac-toe against p in the browser: the move of p for every reachable position is
// computed here and embedded, so the game needs no running Go program. id must be unique in
// the page (it prefixes the element ids). In a saved or headless notebook it is inert HTML;
// show a GameImage next to it as the static picture.
func PlayableHTML(p Player, id string) string {
	var moves strings.Builder
	for _, b := range Reachable() {
		if b.Over() {
			continue
		}
		if moves.Len() > 0 {
			moves.WriteByte(',')
		}
		fmt.Fprintf(&moves, "%q:%d", strings.ReplaceAll(strings.ReplaceAll(b.String(), " ", ""), "\n", ""), p(b))
	}
	return strings.NewReplacer("ID", id, "MOVES", moves.String()).Replace(playableTemplate)
}

const playableTemplate = `<div id="ID" style="font-family:sans-serif">
<style>
#ID table{border-collapse:collapse;margin:6px 0}
#ID td{width:54px;height:54px;border:2px solid #333;text-align:center;font-size:34px;font-weight:bold;cursor:pointer}
#ID td.X{color:#c82828}#ID td.O{color:#2850c8}
#ID button{margin-right:6px}
</style>
<div><button onclick="ID_new('X')">New game: I play X</button><button onclick="ID_new('O')">New game: I play O</button></div>
<table><tbody>
<tr><td onclick="ID_click(0)"></td><td onclick="ID_click(1)"></td><td onclick="ID_click(2)"></td></tr>
<tr><td onclick="ID_click(3)"></td><td onclick="ID_click(4)"></td><td onclick="ID_click(5)"></td></tr>
<tr><td onclick="ID_click(6)"></td><td onclick="ID_click(7)"></td><td onclick="ID_click(8)"></td></tr>
</tbody></table>
<div id="ID_status">Press a button to start.</div>
</div>
<script>
(function(){
var moves={MOVES};
var lines=[[0,1,2],[3,4,5],[6,7,8],[0,3,6],[1,4,7],[2,5,8],[0,4,8],[2,4,6]];
var b=".........".split(""), me="X", over=true;
function turn(){var n=b.filter(function(c){return c!="."}).length;return n%2==0?"X":"O";}
function winner(){for(var i=0;i<lines.length;i++){var l=lines[i];if(b[l[0]]!="."&&b[l[0]]==b[l[1]]&&b[l[1]]==b[l[2]])return b[l[0]];}return "";}
function draw(){var tds=document.querySelectorAll("#ID td");for(var i=0;i<9;i++){tds[i].textContent=b[i]=="."?"":b[i];tds[i].className=b[i];}}
function status(s){document.getElementById("ID_status").textContent=s;}
function check(){var w=winner();if(w){over=true;status(w==me?"You win!":"The agent wins.");return true;}
if(b.indexOf(".")<0){over=true;status("Draw.");return true;}return false;}
function agent(){var m=moves[b.join("")];b[m]=turn();draw();if(!check())status("Your move ("+me+").");}
window.ID_new=function(mark){b=".........".split("");me=mark;over=false;draw();if(me=="O")agent();else status("Your move (X).");};
window.ID_click=function(c){if(over||b[c]!="."||turn()!=me)return;b[c]=me;draw();if(!check())agent();};
})();
</script>`
