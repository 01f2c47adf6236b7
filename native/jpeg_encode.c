/* Baseline JPEG encoding through libjpeg-turbo's libjpeg API (its SIMD colour conversion, DCT
 * and Huffman coding), for src/render/turbo.rs. One call encodes one RGB rectangle read in
 * place from a larger image (`stride` bytes per row); libjpeg's fatal errors come back as a
 * message instead of ending the process. */
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

struct bvc_error {
  struct jpeg_error_mgr mgr;
  jmp_buf jump;
};

static void bvc_error_exit(j_common_ptr cinfo) {
  struct bvc_error *error = (struct bvc_error *)cinfo->err;
  longjmp(error->jump, 1);
}

/* Warnings (corrupt data and the like) cannot happen while compressing our own pixels. */
static void bvc_output_message(j_common_ptr cinfo) { (void)cinfo; }

/* Encodes `width` x `height` RGB pixels at `pixels` (rows `stride` bytes apart) at `quality`,
 * 4:4:4, with a restart marker every `restart_mcus` MCUs (0: none). On success returns 0 and
 * sets `*out` (free it with bvc_jpeg_free) and `*out_len`; on failure returns -1 and writes
 * libjpeg's message to `message` (`message_len` bytes at most, NUL-terminated). */
int bvc_jpeg_encode_rgb(const unsigned char *pixels, unsigned width, unsigned height,
                        size_t stride, int quality, unsigned restart_mcus, unsigned char **out,
                        unsigned long *out_len, char *message, size_t message_len) {
  struct jpeg_compress_struct cinfo;
  struct bvc_error error;
  /* Owned by libjpeg's memory destination, which updates it through its address as it grows
   * the buffer (so it is read from memory, not a register, after a longjmp). */
  unsigned char *mem = NULL;
  unsigned long size = 0;

  memset(&cinfo, 0, sizeof cinfo);
  cinfo.err = jpeg_std_error(&error.mgr);
  error.mgr.error_exit = bvc_error_exit;
  error.mgr.output_message = bvc_output_message;
  if (setjmp(error.jump)) {
    if (message != NULL && message_len > 0) {
      char text[JMSG_LENGTH_MAX];
      (*cinfo.err->format_message)((j_common_ptr)&cinfo, text);
      snprintf(message, message_len, "%s", text);
    }
    jpeg_destroy_compress(&cinfo);
    free(mem);
    return -1;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &mem, &size);
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  for (int c = 0; c < cinfo.num_components; c++) {
    cinfo.comp_info[c].h_samp_factor = 1;
    cinfo.comp_info[c].v_samp_factor = 1;
  }
  cinfo.dct_method = JDCT_ISLOW;
  cinfo.optimize_coding = FALSE;
  cinfo.restart_interval = restart_mcus;
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    /* A few rows per call: libjpeg consumes them one MCU row (8 lines) at a time. */
    JSAMPROW rows[16];
    JDIMENSION count = 0;
    while (count < 16 && cinfo.next_scanline + count < cinfo.image_height) {
      rows[count] = (JSAMPROW)(pixels + (size_t)(cinfo.next_scanline + count) * stride);
      count++;
    }
    jpeg_write_scanlines(&cinfo, rows, count);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  *out = mem;
  *out_len = size;
  return 0;
}

void bvc_jpeg_free(unsigned char *buffer) { free(buffer); }
