// libpng's header, for the PNG shim target only (Swift never imports it).
#include <png.h>
