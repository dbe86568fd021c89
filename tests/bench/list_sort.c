/* jitty engine benchmark: CoreMark-like linked-list processing.
 *
 * Builds a list of records in a node pool, then per iteration: merge-sorts
 * it by one key, searches it, reverses it, sorts by another key and folds
 * a CRC-like checksum. argv[1] = iterations.
 *
 * jitty-bench: full=100 quick=4
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

typedef struct node {
    struct node *next;
    int16_t data;
    int16_t idx;
} node;

#define NODES 1000

static node pool[NODES];

static int cmp_data(const node *a, const node *b) { return a->data - b->data; }
static int cmp_idx(const node *a, const node *b) { return a->idx - b->idx; }

static node *merge_sort(node *list, int (*cmp)(const node *, const node *)) {
    int insize = 1;
    for (;;) {
        node *p = list, *tail = NULL;
        int merges = 0;
        list = NULL;
        while (p) {
            merges++;
            node *q = p;
            int psize = 0;
            for (int i = 0; i < insize && q; i++) {
                psize++;
                q = q->next;
            }
            int qsize = insize;
            while (psize > 0 || (qsize > 0 && q)) {
                node *e;
                if (psize == 0) {
                    e = q; q = q->next; qsize--;
                } else if (qsize == 0 || !q) {
                    e = p; p = p->next; psize--;
                } else if (cmp(p, q) <= 0) {
                    e = p; p = p->next; psize--;
                } else {
                    e = q; q = q->next; qsize--;
                }
                if (tail) tail->next = e; else list = e;
                tail = e;
            }
            p = q;
        }
        tail->next = NULL;
        if (merges <= 1) return list;
        insize *= 2;
    }
}

static node *reverse(node *l) {
    node *prev = NULL;
    while (l) {
        node *n = l->next;
        l->next = prev;
        prev = l;
        l = n;
    }
    return prev;
}

static node *find(node *l, int16_t data) {
    while (l && l->data != data) l = l->next;
    return l;
}

static uint16_t crc16(uint16_t crc, uint16_t v) {
    for (int i = 0; i < 16; i++) {
        int bit = ((crc ^ v) & 1);
        v >>= 1;
        crc = (crc >> 1) ^ (bit ? 0xA001 : 0);
    }
    return crc;
}

int main(int argc, char **argv) {
    int iters = argc > 1 ? atoi(argv[1]) : 10;
    uint32_t seed = 12345;
    for (int i = 0; i < NODES; i++) {
        seed = seed * 1103515245u + 12345u;
        pool[i].data = (int16_t)((seed >> 16) & 0x7fff);
        pool[i].idx = (int16_t)i;
        pool[i].next = i + 1 < NODES ? &pool[i + 1] : NULL;
    }
    node *list = &pool[0];
    uint16_t crc = 0;
    int found = 0;
    for (int it = 0; it < iters; it++) {
        list = merge_sort(list, cmp_data);
        for (int k = 0; k < 20; k++) {
            node *f = find(list, pool[(k * 37 + it) % NODES].data);
            if (f) { found++; crc = crc16(crc, (uint16_t)f->idx); }
        }
        list = reverse(list);
        crc = crc16(crc, (uint16_t)list->data);
        list = merge_sort(list, cmp_idx);
        /* perturb the data so every iteration sorts something new */
        for (node *p = list; p; p = p->next) {
            p->data = (int16_t)((p->data * 7 + p->idx + it) & 0x7fff);
        }
        crc = crc16(crc, (uint16_t)list->next->data);
    }
    printf("list_sort: iterations %d found %d crc %04x\n", iters, found, crc);
    return 0;
}
