/* Keeps a folder library non-empty while the folder is being filled; compiles to nothing. */
typedef int moa_empty_translation_unit;
