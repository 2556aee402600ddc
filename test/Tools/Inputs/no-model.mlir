// A module without a dsc.model.
module {
}
