// giflib's header, for the GIF shim target only (Swift never imports it).
#include <gif_lib.h>
