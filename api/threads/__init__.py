"""Pure thread logic over stored comments: the bounded layout of a reply tree."""
