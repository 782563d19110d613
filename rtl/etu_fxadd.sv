// a + b (or a - b) of one format, saturated (arith::add / arith::sub).
module etu_fxadd #(
    parameter int W = 24, parameter bit S = 1'b1,
    parameter bit SUBTRACT = 1'b0
) (
    input  logic [W-1:0] a,
    input  logic [W-1:0] b,
    output logic [W-1:0] y,
    output logic         sat
);
  import etu_pkg::*;
  logic signed [63:0] a64, b64, sum;
  assign a64 = extend({{(64 - W) {1'b0}}, a}, W, S);
  assign b64 = extend({{(64 - W) {1'b0}}, b}, W, S);
  assign sum = SUBTRACT ? a64 - b64 : a64 + b64;
  etu_saturate #(.W(W), .S(S)) u_sat (.x(sum), .y(y), .hit(sat));
endmodule
