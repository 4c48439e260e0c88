// libwebp's decoder header, for the WebP shim target only (Swift never imports it).
#include <webp/decode.h>
