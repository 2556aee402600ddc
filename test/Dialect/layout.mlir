// RUN: dsc-opt %s -allow-unregistered-dialect | dsc-opt -allow-unregistered-dialect | FileCheck %s

// Megatron's layout syntax: repeats, groups and commas expand, and print as
// one segment per stage.

// CHECK-LABEL: "test.even"
// CHECK-SAME: #dsc.layout<"Et*2|t*2|t*2|t*2mL">
"test.even"() {layout = #dsc.layout<"Et*2|(tt|)*2,t t m L">} : () -> ()

// CHECK-LABEL: "test.alone"
// CHECK-SAME: #dsc.layout<"E|t*3|mL">
"test.alone"() {layout = #dsc.layout<"E|ttt|mL">} : () -> ()

// An empty stage stays when written.
// CHECK-LABEL: "test.empty"
// CHECK-SAME: #dsc.layout<"Et||tL">
"test.empty"() {layout = #dsc.layout<"Et||tL">} : () -> ()

// One stage.
// CHECK-LABEL: "test.single"
// CHECK-SAME: #dsc.layout<"Et*4L">
"test.single"() {layout = #dsc.layout<"E t*4 L">} : () -> ()
