// Eligibility-trace unit (ETU): the per-synapse datapath of the plasticity engine in the "full"
// storage scheme. For one synapse and timestep it computes exactly what
// nchip::arith::etu_update<FixedOps> (hw_model/arith/eligibility.hpp) computes: eps_a (eq. 27),
// e (eq. 23 / 28), the kappa-filtered eligibility (eq. 45) and the weight-change accumulator,
// with the QuantConfig's formats, rounding and saturation, plus how many results saturated.
//
// Interface: one update per cycle, LATENCY = 9 cycles from an accepted input to its output.
// The synapse state (eps_a, filtered, acc) lives outside the unit, in SRAM: the requester reads it
// and sends it with the neuron-side values; the unit returns the new state with the address for
// the write-back. The requester must not send a synapse again while it is in flight (an e-prop
// engine visits each synapse once per timestep, so there is no read-after-write hazard).
// Handshake: valid/ready on both sides; the pipeline stalls as a whole while the output is
// valid and not taken, so in_ready = !out_valid || out_ready (a combinational path).
// Reset: synchronous, active high; it empties the pipeline (data registers are not reset).
module etu #(
    // nchip::arith::Rounding of QuantConfig::rounding: 0 nearest (ties to even), 1 truncate,
    // 2 stochastic (draws counter_random with the EligibilityStream numbers below).
    parameter int ROUNDING = 0,
    parameter int ADDR_W = 16,
    // Formats as in QuantConfig::default_formats(): width, fraction bits, signed.
    parameter int W_V = 24, parameter int F_V = 16, parameter bit S_V = 1'b1,  // voltage: beta
    parameter int W_D = 24, parameter int F_D = 24, parameter bit S_D = 1'b0,  // decay: rho, kappa
    parameter int W_P = 16, parameter int F_P = 16, parameter bit S_P = 1'b0,  // pseudo_derivative: h
    parameter int W_T = 24, parameter int F_T = 16, parameter bit S_T = 1'b0,  // trace: zbar
    parameter int W_E = 24, parameter int F_E = 16, parameter bit S_E = 1'b1,  // eligibility
    parameter int W_L = 16, parameter int F_L = 12, parameter bit S_L = 1'b1,  // learning_signal
    parameter int W_A = 32, parameter int F_A = 16, parameter bit S_A = 1'b1   // update_accumulator
) (
    input  logic              clk,
    input  logic              rst,
    // request: neuron-side values, the synapse's state, the draw key
    input  logic              in_valid,
    output logic              in_ready,
    input  logic [ADDR_W-1:0] in_addr,      // synapse state address, returned with the result
    input  logic [W_P-1:0]    in_h,         // pseudo-derivative h_j (0 while refractory)
    input  logic [W_D-1:0]    in_rho,       // adaptation decay
    input  logic [W_V-1:0]    in_beta,      // threshold adaptation gain
    input  logic [W_D-1:0]    in_kappa,     // readout decay
    input  logic [W_L-1:0]    in_l,         // learning signal L_j
    input  logic              in_adaptive,  // ALIF neuron (eq. 27-28) or LIF (eq. 23)
    input  logic [W_T-1:0]    in_zbar,      // presynaptic trace paired with this h
    input  logic [W_E-1:0]    in_eps_a,     // state read from SRAM
    input  logic [W_E-1:0]    in_filtered,
    input  logic [W_A-1:0]    in_acc,
    input  logic [63:0]       in_seed,      // DrawKey; in_stream is the key's own stream, used
    input  logic [31:0]       in_stream,    // by the trace -> eligibility conversion
    input  logic [31:0]       in_index,
    input  logic [63:0]       in_step,
    // result: the state to write back, e, and the number of saturated results this update
    output logic              out_valid,
    input  logic              out_ready,
    output logic [ADDR_W-1:0] out_addr,
    output logic [W_E-1:0]    out_eps_a,
    output logic [W_E-1:0]    out_filtered,
    output logic [W_A-1:0]    out_acc,
    output logic [W_E-1:0]    out_e,
    output logic [3:0]        out_sat_elig,  // eligibility-format saturations (<= 12)
    output logic [1:0]        out_sat_acc    // update_accumulator saturations (<= 2)
);
  import etu_pkg::*;

  localparam int LATENCY = 9;
  // EligibilityStream of eligibility.hpp: which draw each rounding uses.
  localparam logic [31:0] STREAM_E = 32'd16, STREAM_BETA_EPS = 32'd17,
      STREAM_EPS_DECAY = 32'd18, STREAM_EPS_DRIVE = 32'd19, STREAM_EPS_DAMP = 32'd20,
      STREAM_H_EPS = 32'd21, STREAM_FILTERED_DECAY = 32'd22, STREAM_ACCUMULATE = 32'd23;

  // Saturation flags, one per rounded or added result; which ones count depends on the path
  // (the C++ computes zbar -> eligibility for both paths, the rest only on its own path).
  localparam int SAT_CONV = 0, SAT_BETA_EPS = 1, SAT_DIFF = 2, SAT_E_ALIF = 3, SAT_DECAY = 4,
      SAT_DRIVE = 5, SAT_H_EPS = 6, SAT_DAMP = 7, SAT_EPS_SUB = 8, SAT_EPS_ADD = 9,
      SAT_E_LIF = 10, SAT_FDEC = 11, SAT_FILT = 12, NSAT = 13;
  localparam logic [NSAT-1:0] SAT_ALIF_MASK = 13'h1BFF;  // all but e_lif
  localparam logic [NSAT-1:0] SAT_LIF_MASK = 13'h1C01;   // conv, e_lif, fdec, filt

  typedef struct packed {
    logic [ADDR_W-1:0] addr;
    logic [W_P-1:0] h;
    logic [W_D-1:0] rho;
    logic [W_V-1:0] beta;
    logic [W_D-1:0] kappa;
    logic [W_L-1:0] l;
    logic adaptive;
    logic [W_T-1:0] zbar;
    logic [W_E-1:0] eps_a;
    logic [W_E-1:0] filtered;
    logic [W_A-1:0] acc;
  } operands_t;

  // ---- handshake: a global stall, one valid bit per stage ----------------------------------
  logic [LATENCY:1] valid;
  logic advance;
  assign advance = !valid[LATENCY] || out_ready;
  assign in_ready = advance;
  assign out_valid = valid[LATENCY];
  always_ff @(posedge clk) begin
    if (rst) valid <= '0;
    else if (advance) valid <= {valid[LATENCY-1:1], in_valid};
  end

  // ---- stages 1-3: operands wait while the random draws are hashed -------------------------
  operands_t s1, s2, s3;
  always_ff @(posedge clk) begin
    if (advance) begin
      s1 <= '{addr: in_addr, h: in_h, rho: in_rho, beta: in_beta, kappa: in_kappa, l: in_l,
              adaptive: in_adaptive, zbar: in_zbar, eps_a: in_eps_a, filtered: in_filtered,
              acc: in_acc};
      s2 <= s1;
      s3 <= s2;
    end
  end

  // Draws aligned with s3; constant 0 unless the rounding is stochastic (then synthesis keeps
  // the nine hash pipelines, else it removes them and the key inputs are unused).
  logic [63:0] d_conv, d_e, d_beta_eps, d_decay, d_drive, d_damp, d_h_eps, d_fdec, d_acc;
  generate
    if (ROUNDING == RND_STOCHASTIC) begin : g_draws
      etu_draw u_conv (.clk, .en(advance), .seed(in_seed), .stream(in_stream), .index(in_index),
                       .step(in_step), .bits(d_conv));
      etu_draw u_e (.clk, .en(advance), .seed(in_seed), .stream(STREAM_E), .index(in_index),
                    .step(in_step), .bits(d_e));
      etu_draw u_beta_eps (.clk, .en(advance), .seed(in_seed), .stream(STREAM_BETA_EPS),
                           .index(in_index), .step(in_step), .bits(d_beta_eps));
      etu_draw u_decay (.clk, .en(advance), .seed(in_seed), .stream(STREAM_EPS_DECAY),
                        .index(in_index), .step(in_step), .bits(d_decay));
      etu_draw u_drive (.clk, .en(advance), .seed(in_seed), .stream(STREAM_EPS_DRIVE),
                        .index(in_index), .step(in_step), .bits(d_drive));
      etu_draw u_damp (.clk, .en(advance), .seed(in_seed), .stream(STREAM_EPS_DAMP),
                       .index(in_index), .step(in_step), .bits(d_damp));
      etu_draw u_h_eps (.clk, .en(advance), .seed(in_seed), .stream(STREAM_H_EPS),
                        .index(in_index), .step(in_step), .bits(d_h_eps));
      etu_draw u_fdec (.clk, .en(advance), .seed(in_seed), .stream(STREAM_FILTERED_DECAY),
                       .index(in_index), .step(in_step), .bits(d_fdec));
      etu_draw u_acc (.clk, .en(advance), .seed(in_seed), .stream(STREAM_ACCUMULATE),
                      .index(in_index), .step(in_step), .bits(d_acc));
    end else begin : g_no_draws
      assign {d_conv, d_e, d_beta_eps, d_decay, d_drive, d_damp, d_h_eps, d_fdec, d_acc} = '0;
      /* verilator lint_off UNUSED */
      wire unused_key = ^{in_seed, in_stream, in_index, in_step};
      /* verilator lint_on UNUSED */
    end
  endgenerate

  // ---- stage 4: every product of the operands alone ----------------------------------------
  logic [W_E-1:0] c_zbar_e, c_beta_eps, c_decayed, c_drive, c_h_eps, c_e_lif, c_fdec;
  logic sat_conv, sat_beta_eps, sat_decay, sat_drive, sat_h_eps, sat_e_lif, sat_fdec;
  logic [NSAT-1:0] c4_sat;
  always_comb begin
    c4_sat = '0;
    c4_sat[SAT_CONV] = sat_conv;
    c4_sat[SAT_BETA_EPS] = sat_beta_eps;
    c4_sat[SAT_DECAY] = sat_decay;
    c4_sat[SAT_DRIVE] = sat_drive;
    c4_sat[SAT_H_EPS] = sat_h_eps;
    c4_sat[SAT_E_LIF] = sat_e_lif;
    c4_sat[SAT_FDEC] = sat_fdec;
  end

  etu_fxconv #(.WA(W_T), .FA(F_T), .SA(S_T), .WR(W_E), .FR(F_E), .SR(S_E), .ROUNDING(ROUNDING))
      u_zbar_e (.a(s3.zbar), .random_bits(d_conv), .y(c_zbar_e), .sat(sat_conv));
  etu_fxmul #(.WA(W_V), .FA(F_V), .SA(S_V), .WB(W_E), .FB(F_E), .SB(S_E),
              .WR(W_E), .FR(F_E), .SR(S_E), .ROUNDING(ROUNDING))
      u_beta_eps (.a(s3.beta), .b(s3.eps_a), .random_bits(d_beta_eps), .y(c_beta_eps),
                  .sat(sat_beta_eps));
  etu_fxmul #(.WA(W_D), .FA(F_D), .SA(S_D), .WB(W_E), .FB(F_E), .SB(S_E),
              .WR(W_E), .FR(F_E), .SR(S_E), .ROUNDING(ROUNDING))
      u_decay (.a(s3.rho), .b(s3.eps_a), .random_bits(d_decay), .y(c_decayed), .sat(sat_decay));
  etu_fxmul #(.WA(W_P), .FA(F_P), .SA(S_P), .WB(W_T), .FB(F_T), .SB(S_T),
              .WR(W_E), .FR(F_E), .SR(S_E), .ROUNDING(ROUNDING))
      u_drive (.a(s3.h), .b(s3.zbar), .random_bits(d_drive), .y(c_drive), .sat(sat_drive));
  etu_fxmul #(.WA(W_P), .FA(F_P), .SA(S_P), .WB(W_E), .FB(F_E), .SB(S_E),
              .WR(W_E), .FR(F_E), .SR(S_E), .ROUNDING(ROUNDING))
      u_h_eps (.a(s3.h), .b(s3.eps_a), .random_bits(d_h_eps), .y(c_h_eps), .sat(sat_h_eps));
  // LIF e = h zbar (eq. 23): the same product as the drive but rounded with its own draw
  etu_fxmul #(.WA(W_P), .FA(F_P), .SA(S_P), .WB(W_T), .FB(F_T), .SB(S_T),
              .WR(W_E), .FR(F_E), .SR(S_E), .ROUNDING(ROUNDING))
      u_e_lif (.a(s3.h), .b(s3.zbar), .random_bits(d_e), .y(c_e_lif), .sat(sat_e_lif));
  etu_fxmul #(.WA(W_D), .FA(F_D), .SA(S_D), .WB(W_E), .FB(F_E), .SB(S_E),
              .WR(W_E), .FR(F_E), .SR(S_E), .ROUNDING(ROUNDING))
      u_fdec (.a(s3.kappa), .b(s3.filtered), .random_bits(d_fdec), .y(c_fdec), .sat(sat_fdec));

  logic [ADDR_W-1:0] s4_addr;
  logic [W_P-1:0] s4_h;
  logic [W_V-1:0] s4_beta;
  logic [W_L-1:0] s4_l;
  logic s4_adaptive;
  logic [W_E-1:0] s4_eps_a, s4_zbar_e, s4_beta_eps, s4_decayed, s4_drive, s4_h_eps, s4_e_lif,
      s4_fdec;
  logic [W_A-1:0] s4_acc;
  logic [63:0] s4_d_e, s4_d_damp, s4_d_acc;
  logic [NSAT-1:0] s4_sat;
  always_ff @(posedge clk) begin
    if (advance) begin
      s4_addr <= s3.addr;
      s4_h <= s3.h;
      s4_beta <= s3.beta;
      s4_l <= s3.l;
      s4_adaptive <= s3.adaptive;
      s4_eps_a <= s3.eps_a;
      s4_acc <= s3.acc;
      s4_zbar_e <= c_zbar_e;
      s4_beta_eps <= c_beta_eps;
      s4_decayed <= c_decayed;
      s4_drive <= c_drive;
      s4_h_eps <= c_h_eps;
      s4_e_lif <= c_e_lif;
      s4_fdec <= c_fdec;
      s4_d_e <= d_e;
      s4_d_damp <= d_damp;
      s4_d_acc <= d_acc;
      s4_sat <= c4_sat;
    end
  end

  // ---- stage 5: zbar - beta eps_a and beta (h eps_a) ---------------------------------------
  logic [W_E-1:0] c_diff, c_damp;
  logic sat_diff, sat_damp;
  etu_fxadd #(.W(W_E), .S(S_E), .SUBTRACT(1'b1))
      u_diff (.a(s4_zbar_e), .b(s4_beta_eps), .y(c_diff), .sat(sat_diff));
  etu_fxmul #(.WA(W_V), .FA(F_V), .SA(S_V), .WB(W_E), .FB(F_E), .SB(S_E),
              .WR(W_E), .FR(F_E), .SR(S_E), .ROUNDING(ROUNDING))
      u_damp (.a(s4_beta), .b(s4_h_eps), .random_bits(s4_d_damp), .y(c_damp), .sat(sat_damp));

  logic [ADDR_W-1:0] s5_addr;
  logic [W_P-1:0] s5_h;
  logic [W_L-1:0] s5_l;
  logic s5_adaptive;
  logic [W_E-1:0] s5_eps_a, s5_diff, s5_decayed, s5_damp, s5_drive, s5_e_lif, s5_fdec;
  logic [W_A-1:0] s5_acc;
  logic [63:0] s5_d_e, s5_d_acc;
  logic [NSAT-1:0] s5_sat;
  always_ff @(posedge clk) begin
    if (advance) begin
      s5_addr <= s4_addr;
      s5_h <= s4_h;
      s5_l <= s4_l;
      s5_adaptive <= s4_adaptive;
      s5_eps_a <= s4_eps_a;
      s5_acc <= s4_acc;
      s5_diff <= c_diff;
      s5_decayed <= s4_decayed;
      s5_damp <= c_damp;
      s5_drive <= s4_drive;
      s5_e_lif <= s4_e_lif;
      s5_fdec <= s4_fdec;
      s5_d_e <= s4_d_e;
      s5_d_acc <= s4_d_acc;
      s5_sat <= s4_sat | (NSAT'(sat_diff) << SAT_DIFF) | (NSAT'(sat_damp) << SAT_DAMP);
    end
  end

  // ---- stage 6: ALIF e (eq. 28) and eps_a^{t+1} = rho eps - beta (h eps) + h zbar (eq. 27) --
  logic [W_E-1:0] c_e_alif, c_eps_sub, c_eps_new;
  logic sat_e_alif, sat_eps_sub, sat_eps_add;
  etu_fxmul #(.WA(W_P), .FA(F_P), .SA(S_P), .WB(W_E), .FB(F_E), .SB(S_E),
              .WR(W_E), .FR(F_E), .SR(S_E), .ROUNDING(ROUNDING))
      u_e_alif (.a(s5_h), .b(s5_diff), .random_bits(s5_d_e), .y(c_e_alif), .sat(sat_e_alif));
  etu_fxadd #(.W(W_E), .S(S_E), .SUBTRACT(1'b1))
      u_eps_sub (.a(s5_decayed), .b(s5_damp), .y(c_eps_sub), .sat(sat_eps_sub));
  etu_fxadd #(.W(W_E), .S(S_E), .SUBTRACT(1'b0))
      u_eps_add (.a(c_eps_sub), .b(s5_drive), .y(c_eps_new), .sat(sat_eps_add));

  logic [ADDR_W-1:0] s6_addr;
  logic [W_L-1:0] s6_l;
  logic [W_E-1:0] s6_eps_new, s6_e, s6_fdec;
  logic [W_A-1:0] s6_acc;
  logic [63:0] s6_d_acc;
  logic [NSAT-1:0] s6_sat;
  always_ff @(posedge clk) begin
    if (advance) begin
      s6_addr <= s5_addr;
      s6_l <= s5_l;
      s6_acc <= s5_acc;
      // A LIF synapse keeps its eps_a (the C++ leaves it untouched).
      s6_eps_new <= s5_adaptive ? c_eps_new : s5_eps_a;
      s6_e <= s5_adaptive ? c_e_alif : s5_e_lif;
      s6_fdec <= s5_fdec;
      s6_d_acc <= s5_d_acc;
      s6_sat <= (s5_sat | (NSAT'(sat_e_alif) << SAT_E_ALIF) | (NSAT'(sat_eps_sub) << SAT_EPS_SUB)
                 | (NSAT'(sat_eps_add) << SAT_EPS_ADD))
                & (s5_adaptive ? SAT_ALIF_MASK : SAT_LIF_MASK);
    end
  end

  // ---- stage 7: filtered^{t+1} = kappa filtered + e (eq. 45) -------------------------------
  logic [W_E-1:0] c_filt;
  logic sat_filt;
  etu_fxadd #(.W(W_E), .S(S_E), .SUBTRACT(1'b0))
      u_filt (.a(s6_fdec), .b(s6_e), .y(c_filt), .sat(sat_filt));

  logic [ADDR_W-1:0] s7_addr;
  logic [W_L-1:0] s7_l;
  logic [W_E-1:0] s7_eps_new, s7_e, s7_filt;
  logic [W_A-1:0] s7_acc;
  logic [63:0] s7_d_acc;
  logic [3:0] s7_sat_elig;
  always_ff @(posedge clk) begin
    if (advance) begin
      s7_addr <= s6_addr;
      s7_l <= s6_l;
      s7_acc <= s6_acc;
      s7_eps_new <= s6_eps_new;
      s7_e <= s6_e;
      s7_filt <= c_filt;
      s7_d_acc <= s6_d_acc;
      s7_sat_elig <= 4'($countones(s6_sat | (NSAT'(sat_filt) << SAT_FILT)));
    end
  end

  // ---- stage 8: L * filtered in the accumulator's format ----------------------------------
  logic [W_A-1:0] c_inc;
  logic sat_inc;
  etu_fxmul #(.WA(W_L), .FA(F_L), .SA(S_L), .WB(W_E), .FB(F_E), .SB(S_E),
              .WR(W_A), .FR(F_A), .SR(S_A), .ROUNDING(ROUNDING))
      u_inc (.a(s7_l), .b(s7_filt), .random_bits(s7_d_acc), .y(c_inc), .sat(sat_inc));

  logic [ADDR_W-1:0] s8_addr;
  logic [W_E-1:0] s8_eps_new, s8_e, s8_filt;
  logic [W_A-1:0] s8_acc, s8_inc;
  logic [3:0] s8_sat_elig;
  logic s8_sat_inc;
  always_ff @(posedge clk) begin
    if (advance) begin
      s8_addr <= s7_addr;
      s8_eps_new <= s7_eps_new;
      s8_e <= s7_e;
      s8_filt <= s7_filt;
      s8_acc <= s7_acc;
      s8_inc <= c_inc;
      s8_sat_elig <= s7_sat_elig;
      s8_sat_inc <= sat_inc;
    end
  end

  // ---- stage 9: acc + L filtered, into the output registers --------------------------------
  logic [W_A-1:0] c_acc;
  logic sat_acc;
  etu_fxadd #(.W(W_A), .S(S_A), .SUBTRACT(1'b0))
      u_acc (.a(s8_acc), .b(s8_inc), .y(c_acc), .sat(sat_acc));

  always_ff @(posedge clk) begin
    if (advance) begin
      out_addr <= s8_addr;
      out_eps_a <= s8_eps_new;
      out_filtered <= s8_filt;
      out_e <= s8_e;
      out_acc <= c_acc;
      out_sat_elig <= s8_sat_elig;
      out_sat_acc <= 2'(s8_sat_inc) + 2'(sat_acc);
    end
  end

endmodule
