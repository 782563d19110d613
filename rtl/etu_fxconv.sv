// Change of format A -> R (arith::convert<R>): shift by FA - FR with the unit's rounding, then
// saturate; exact when FA <= FR.
module etu_fxconv #(
    parameter int WA = 24, parameter int FA = 16, parameter bit SA = 1'b0,
    parameter int WR = 24, parameter int FR = 16, parameter bit SR = 1'b1,
    parameter int ROUNDING = 0
) (
    input  logic [WA-1:0] a,
    input  logic [63:0]   random_bits,
    output logic [WR-1:0] y,
    output logic          sat
);
  import etu_pkg::*;
  logic signed [63:0] rounded;
  assign rounded = round_shift(extend({{(64 - WA) {1'b0}}, a}, WA, SA), FA - FR, ROUNDING,
                               random_bits);
  etu_saturate #(.W(WR), .S(SR)) u_sat (.x(rounded), .y(y), .hit(sat));
endmodule
