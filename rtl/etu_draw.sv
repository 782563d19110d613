// counter_random(DrawKey{seed, stream, index, step}) of counter_rng.hpp, one SplitMix64 mix per
// pipeline stage (each is two 64-bit multiplies deep): latency 3, one draw per cycle. The
// stalls of the unit hold it through `en`.
module etu_draw (
    input  logic        clk,
    input  logic        en,
    input  logic [63:0] seed,
    input  logic [31:0] stream,
    input  logic [31:0] index,
    input  logic [63:0] step,
    output logic [63:0] bits
);
  import etu_pkg::*;
  logic [63:0] mix1, mix2;
  logic [31:0] index_1;
  logic [63:0] step_1, step_2;
  always_ff @(posedge clk) begin
    if (en) begin
      mix1 <= splitmix64_mix(seed ^ {stream, 32'd0});
      index_1 <= index;
      step_1 <= step;
      mix2 <= splitmix64_mix(mix1 ^ {32'd0, index_1});
      step_2 <= step_1;
      bits <= splitmix64_mix(mix2 ^ step_2);
    end
  end
endmodule
