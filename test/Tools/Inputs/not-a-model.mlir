// A typo in the op name.
dsc.modle @m {
}
