// Clamp a 64-bit value to the range of a W-bit format (signed or unsigned) and flag the clamp,
// like arith::saturate; the flag feeds the unit's per-update saturation counts.
module etu_saturate #(
    parameter int W = 24,
    parameter bit S = 1'b1
) (
    input  logic signed [63:0] x,
    output logic        [W-1:0] y,
    output logic                hit
);
  import etu_pkg::*;
  localparam logic signed [63:0] HI = fmt_max(W, S);
  localparam logic signed [63:0] LO = fmt_min(W, S);
  logic signed [63:0] clamped;
  always_comb begin
    hit = 1'b1;
    if (x > HI) clamped = HI;
    else if (x < LO) clamped = LO;
    else begin
      clamped = x;
      hit = 1'b0;
    end
  end
  assign y = clamped[W-1:0];
  // Only the low W bits leave; the rest are copies of the sign (or zero) after the clamp.
  /* verilator lint_off UNUSED */
  wire unused_high = ^clamped[63:W];
  /* verilator lint_on UNUSED */
endmodule
