

// ds// e" at positionD #sc () -> ()
 r