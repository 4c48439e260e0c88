// jpeglib.h requires the FILE and size_t typedefs before it is included.
#include <stdio.h>
#include <stddef.h>
#include <jpeglib.h>
