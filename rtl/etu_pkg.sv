// Fixed-point primitives of the eligibility-trace unit, written to match hw_model/arith bit for
// bit: round_shift (fixed_point.hpp), the saturation bounds of a Format, and the SplitMix64
// finaliser of counter_rng.hpp. Every intermediate is a 64-bit two's complement value, as in the
// C++ (int64), so the two agree on every bit before saturation narrows a result to its format.
package etu_pkg;

  // Rounding modes, numbered like nchip::arith::Rounding.
  localparam int RND_NEAREST    = 0;  // to nearest, ties to even
  localparam int RND_TRUNCATE   = 1;  // toward minus infinity
  localparam int RND_STOCHASTIC = 2;  // up iff (random & mask) < dropped bits

  // x * 2^-shift rounded to an integer (arith::round_shift). shift <= 0 is an exact left shift,
  // except that a result reaching 2^62 becomes +-2^62 (far outside every format, so the
  // saturation that follows clamps and counts it). Past 63 bits everything is fraction: nearest
  // gives 0, truncate the floor, stochastic compares |x| / 2^shift (scaled to 2^64) with the draw.
  localparam logic signed [63:0] FAR = 64'sd1 <<< 62;
  function automatic logic signed [63:0] round_shift(input logic signed [63:0] x,
                                                     input int shift, input int mode,
                                                     input logic [63:0] random_bits);
    logic signed [63:0] floor_q;
    logic [63:0] mask;
    logic [63:0] rem;
    logic [63:0] half;
    logic [63:0] magnitude;
    logic [63:0] scaled;
    logic round_up;
    int left;
    if (shift <= 0) begin
      left = -shift;
      if (x == 64'sd0) return 64'sd0;
      if (left >= 62) return (x > 64'sd0) ? FAR : -FAR;
      if ((x > 64'sd0) ? (x > (FAR >>> left)) : (x < -(FAR >>> left)))
        return (x > 64'sd0) ? FAR : -FAR;
      return x <<< left;
    end
    if (shift > 63) begin
      floor_q = (x < 64'sd0) ? -64'sd1 : 64'sd0;
      if (mode == RND_TRUNCATE) return floor_q;
      if (mode == RND_NEAREST) return 64'sd0;
      magnitude = (x < 64'sd0) ? 64'd0 - x : x;
      scaled = (shift - 64 >= 64) ? 64'd0 : magnitude >> (shift - 64);
      if (x >= 64'sd0) return (random_bits < scaled) ? 64'sd1 : 64'sd0;
      return (random_bits >= scaled) ? 64'sd0 : -64'sd1;
    end
    floor_q = x >>> shift;
    mask = (64'd1 << shift) - 64'd1;
    rem = x & mask;  // x - floor_q * 2^shift, in [0, 2^shift)
    half = 64'd1 << (shift - 1);
    case (mode)
      RND_TRUNCATE:   round_up = 1'b0;
      RND_NEAREST:    round_up = (rem > half) || ((rem == half) && floor_q[0]);
      default:        round_up = (random_bits & mask) < rem;
    endcase
    return round_up ? floor_q + 64'sd1 : floor_q;
  endfunction

  // Largest and smallest raw value of a format (Format::max_raw / min_raw).
  function automatic logic signed [63:0] fmt_max(input int width, input bit is_signed);
    return (64'sd1 <<< (is_signed ? width - 1 : width)) - 64'sd1;
  endfunction
  function automatic logic signed [63:0] fmt_min(input int width, input bit is_signed);
    return is_signed ? -(64'sd1 <<< (width - 1)) : 64'sd0;
  endfunction

  // A raw field of `width` bits (zero-padded to 64) as its two's complement value.
  function automatic logic signed [63:0] extend(input logic [63:0] raw, input int width,
                                                input bit is_signed);
    if (!is_signed || width >= 64) return raw;
    return $signed(raw << (64 - width)) >>> (64 - width);
  endfunction

  // SplitMix64 finaliser (Steele, Lea, Flood 2014); products wrap modulo 2^64 like uint64_t.
  function automatic logic [63:0] splitmix64_mix(input logic [63:0] x_in);
    logic [63:0] x;
    x = x_in + 64'h9E37_79B9_7F4A_7C15;
    x = (x ^ (x >> 30)) * 64'hBF58_476D_1CE4_E5B9;
    x = (x ^ (x >> 27)) * 64'h94D0_49BB_1331_11EB;
    return x ^ (x >> 31);
  endfunction

endpackage
