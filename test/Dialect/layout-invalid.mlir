// RUN: dsc-opt %s -allow-unregistered-dialect -split-input-file -verify-diagnostics

// expected-error @+1 {{layout "Et|x|L" at position 3: unexpected 'x'; use E (embedding), t (decoder block), m (MTP module), L (head and loss), | (stage end), *n and (...)}}
"test.op"() {layout = #dsc.layout<"Et|x|L">} : () -> ()

// -----

// expected-error @+1 {{layout "E(t|*2L" at position 1: '(' is never closed}}
"test.op"() {layout = #dsc.layout<"E(t|*2L">} : () -> ()

// -----

// expected-error @+1 {{layout "Et)|L" at position 2: ')' without '('}}
"test.op"() {layout = #dsc.layout<"Et)|L">} : () -> ()

// -----

// expected-error @+1 {{layout "Et*|L" at position 2: '*' needs a count}}
"test.op"() {layout = #dsc.layout<"Et*|L">} : () -> ()

// -----

// expected-error @+1 {{layout "tE|L": 'E' on stage 0 is out of the model's order E, t..., m..., L (each of E and L once)}}
"test.op"() {layout = #dsc.layout<"tE|L">} : () -> ()

// -----

// expected-error @+1 {{layout "Et|m|tL": 't' on stage 2 is out of the model's order E, t..., m..., L (each of E and L once)}}
"test.op"() {layout = #dsc.layout<"Et|m|tL">} : () -> ()

// -----

// expected-error @+1 {{layout "|EtL": 'E' (the embedding) must be on the first stage, not stage 1}}
"test.op"() {layout = #dsc.layout<"|EtL">} : () -> ()

// -----

// expected-error @+1 {{layout "Et|tL|": 'L' (head and loss) must be on the last stage, not stage 1 of 3}}
"test.op"() {layout = #dsc.layout<"Et|tL|">} : () -> ()

// -----

// expected-error @+1 {{layout "Et|t": needs 'E' (the embedding) on the first stage and 'L' (head and loss) on the last}}
"test.op"() {layout = #dsc.layout<"Et|t">} : () -> ()

// -----

// expected-error @+1 {{layout "E(t*1000)*2000L" at position 14: expands to more than 1048576 parts}}
"test.op"() {layout = #dsc.layout<"E(t*1000)*2000L">} : () -> ()
