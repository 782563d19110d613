// r = a * b in the result format R: the exact product has FA + FB fraction bits and is shifted to
// FR with the unit's rounding, then saturated (arith::mul<R>(FixedOps, a, b, key)). The
// multiplier is only as wide as the operands: unsigned operands get one zero bit so that the
// product is a signed (EA + EB)-bit number, at most 64 bits since Fx raw values are 32-bit.
module etu_fxmul #(
    parameter int WA = 16, parameter int FA = 16, parameter bit SA = 1'b0,
    parameter int WB = 24, parameter int FB = 16, parameter bit SB = 1'b1,
    parameter int WR = 24, parameter int FR = 16, parameter bit SR = 1'b1,
    parameter int ROUNDING = 0
) (
    input  logic [WA-1:0] a,
    input  logic [WB-1:0] b,
    input  logic [63:0]   random_bits,  // counter_random draw (stochastic rounding only)
    output logic [WR-1:0] y,
    output logic          sat
);
  import etu_pkg::*;
  localparam int EA = SA ? WA : WA + 1;
  localparam int EB = SB ? WB : WB + 1;
  localparam int SHIFT = FA + FB - FR;

  logic signed [63:0] a64, b64;
  logic signed [EA-1:0] a_s;
  logic signed [EB-1:0] b_s;
  logic signed [EA+EB-1:0] product;
  logic signed [63:0] rounded;

  assign a64 = extend({{(64 - WA) {1'b0}}, a}, WA, SA);
  assign b64 = extend({{(64 - WB) {1'b0}}, b}, WB, SB);
  assign a_s = a64[EA-1:0];
  assign b_s = b64[EB-1:0];
  assign product = a_s * b_s;
  assign rounded = round_shift(64'(product), SHIFT, ROUNDING, random_bits);

  etu_saturate #(.W(WR), .S(SR)) u_sat (.x(rounded), .y(y), .hit(sat));

  /* verilator lint_off UNUSED */
  wire unused_ext = ^{a64[63:EA], b64[63:EB]};
  /* verilator lint_on UNUSED */
endmodule
