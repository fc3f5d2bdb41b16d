// darknet_dump: runs Debian's libdarknet on one image the way `darknet detector test` does and
// prints what the Go reader (dl/darknet) is checked against: the detections with their boxes
// (which `darknet detector test` does not print), a fingerprint of every layer's output, and
// optionally the raw output of chosen layers.
//
//   darknet_dump CFG WEIGHTS IMAGE THRESH [LAYER OUT.f32]...
//   darknet_dump -png IMAGE W H OUT     (IMAGE resized to W×H by Darknet, saved as OUT.png)
//
// Output lines (stdout):
//   input W H C sum sumsq                  the letterboxed input
//   layer I TYPE C H W sum sumsq maxabs    every layer's output (after its activation)
//   det CLASS PROB X Y W H OBJECTNESS      per box and class with PROB > THRESH, after NMS 0.45
// Each LAYER's output is written to OUT.f32 as little-endian float32 in Darknet's layout
// (C, H, W). Built and run by scripts/darknet-oracle.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <darknet.h>

char *get_layer_string(LAYER_TYPE a); // in libdarknet, not in darknet.h

static void stats(const float *x, int n, double *sum, double *sumsq, double *maxabs) {
    *sum = *sumsq = *maxabs = 0;
    for (int i = 0; i < n; i++) {
        double v = x[i];
        *sum += v;
        *sumsq += v * v;
        if ((v < 0 ? -v : v) > *maxabs) *maxabs = v < 0 ? -v : v;
    }
}

int main(int argc, char **argv) {
    if (argc == 6 && !strcmp(argv[1], "-png")) {
        // darknet_dump -png IMAGE W H OUT: IMAGE resized by Darknet to W×H, saved as OUT.png.
        image im = load_image_color(argv[2], 0, 0);
        image r = resize_image(im, atoi(argv[3]), atoi(argv[4]));
        save_image_options(r, argv[5], PNG, 0);
        return 0;
    }
    if (argc < 5 || (argc - 5) % 2 != 0) {
        fprintf(stderr, "usage: %s CFG WEIGHTS IMAGE THRESH [LAYER OUT.f32]...\n", argv[0]);
        return 2;
    }
    float thresh = atof(argv[4]);
    network *net = load_network(argv[1], argv[2], 0);
    set_batch_network(net, 1);
    image im = load_image_color(argv[3], 0, 0);
    image sized = letterbox_image(im, net->w, net->h);
    double s, s2, m;
    stats(sized.data, sized.w * sized.h * sized.c, &s, &s2, &m);
    printf("input %d %d %d %.9g %.9g\n", sized.w, sized.h, sized.c, s, s2);
    network_predict(net, sized.data);
    for (int i = 0; i < net->n; i++) {
        layer l = net->layers[i];
        stats(l.output, l.outputs, &s, &s2, &m);
        printf("layer %d %s %d %d %d %.9g %.9g %.9g\n", i, get_layer_string(l.type), l.out_c, l.out_h, l.out_w, s, s2, m);
    }
    for (int a = 5; a < argc; a += 2) {
        int i = atoi(argv[a]);
        if (i < 0 || i >= net->n) {
            fprintf(stderr, "layer %d out of range\n", i);
            return 2;
        }
        FILE *f = fopen(argv[a + 1], "wb");
        if (!f || fwrite(net->layers[i].output, sizeof(float), net->layers[i].outputs, f) != (size_t)net->layers[i].outputs || fclose(f)) {
            perror(argv[a + 1]);
            return 1;
        }
    }
    int nboxes = 0;
    detection *dets = get_network_boxes(net, im.w, im.h, thresh, .5, 0, 1, &nboxes);
    layer last = net->layers[net->n - 1];
    do_nms_sort(dets, nboxes, last.classes, .45);
    for (int i = 0; i < nboxes; i++) {
        for (int k = 0; k < last.classes; k++) { // this libdarknet leaves dets[i].classes 0
            if (dets[i].prob[k] > thresh) {
                box b = dets[i].bbox;
                printf("det %d %.9g %.9g %.9g %.9g %.9g %.9g\n", k, dets[i].prob[k], b.x, b.y, b.w, b.h, dets[i].objectness);
            }
        }
    }
    free_detections(dets, nboxes);
    free_image(sized);
    free_image(im);
    return 0;
}
