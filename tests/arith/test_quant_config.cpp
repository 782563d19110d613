// QuantConfig::problem(): the defaults are usable, and every invalid field is named.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "hw_model/arith/quant_config.hpp"

using namespace nchip::arith;

TEST_CASE("default QuantConfig is valid") {
  const QuantConfig config;
  CHECK(config.problem().empty());
  for (Quantity q : kAllQuantities) {
    INFO(to_string(q));
    CHECK(config[q].problem().empty());
    // Fx<Q>::raw is int32: every default format's range must fit it.
    CHECK(config[q].max_raw() <= INT32_MAX);
    CHECK(config[q].min_raw() >= INT32_MIN);
  }
}

TEST_CASE("QuantConfig::problem names each invalid format field") {
  for (Quantity q : kAllQuantities) {
    const std::string field = std::string("formats.") + to_string(q);
    INFO(field);
    {
      QuantConfig c;
      c[q].width = 1;
      CHECK_THAT(c.problem(), Catch::StartsWith(field + ":") && Catch::Contains("width"));
    }
    {
      QuantConfig c;
      c[q].width = 33;
      CHECK_THAT(c.problem(), Catch::StartsWith(field + ":") && Catch::Contains("width"));
    }
    {
      QuantConfig c;
      c[q].frac = -1;
      CHECK_THAT(c.problem(), Catch::StartsWith(field + ":") && Catch::Contains("frac"));
    }
    {
      QuantConfig c;
      c[q].frac = 41;
      CHECK_THAT(c.problem(), Catch::StartsWith(field + ":") && Catch::Contains("frac"));
    }
    {
      QuantConfig c;  // unsigned 32-bit values don't fit the int32 raw register
      c[q].width = 32;
      c[q].is_signed = false;
      CHECK_THAT(c.problem(), Catch::StartsWith(field + ":") && Catch::Contains("width"));
    }
  }
}

TEST_CASE("QuantConfig::problem checks the cross-field rules") {
  {
    QuantConfig c;
    c[Quantity::decay].is_signed = true;
    CHECK_THAT(c.problem(), Catch::StartsWith("formats.decay:") && Catch::Contains("unsigned"));
  }
  {
    QuantConfig c;
    c[Quantity::voltage].frac = c[Quantity::weight].frac - 1;
    CHECK_THAT(c.problem(), Catch::StartsWith("formats.voltage:") &&
                                Catch::Contains("formats.weight"));
  }
  {
    QuantConfig c;  // no integer bit: 1 / v_th and 1 - distance would clamp every step
    c[Quantity::gain] = Format{16, 16, false};
    CHECK_THAT(c.problem(), Catch::StartsWith("formats.gain:") && Catch::Contains("u16.16"));
    c[Quantity::gain] = Format{17, 16, false};
    CHECK(c.problem().empty());
  }
  for (int bad : {-1, 9}) {
    QuantConfig c;
    c.weight_headroom_bits = bad;
    CHECK_THAT(c.problem(), Catch::StartsWith("weight_headroom_bits:") &&
                                Catch::Contains(std::to_string(bad)));
  }
  for (int good : {0, 8}) {
    QuantConfig c;
    c.weight_headroom_bits = good;
    CHECK(c.problem().empty());
  }
  {
    QuantConfig c;  // equal fraction bits are fine; so are wider formats within the limits
    c[Quantity::voltage].frac = c[Quantity::weight].frac;
    c[Quantity::update_accumulator] = Format{32, 40, true};
    c.rounding = Rounding::stochastic;
    c.update_rounding = Rounding::truncate;
    CHECK(c.problem().empty());
  }
}

TEST_CASE("QuantConfig::range_problem refuses formats that cannot hold their quantity's range") {
  CHECK(QuantConfig{}.range_problem().empty());
  // A fraction two bits wider than the width holds less than 0.25: too little for every judged
  // quantity; weights (rescaled per projection) are not judged.
  for (Quantity q : {Quantity::voltage, Quantity::adaptation, Quantity::trace, Quantity::eligibility,
                     Quantity::learning_signal, Quantity::update_accumulator}) {
    QuantConfig c;
    c[q].frac = c[q].width + 2;
    INFO(to_string(q));
    CHECK(c.problem().empty());
    CHECK_THAT(c.range_problem(), Catch::StartsWith(std::string("formats.") + to_string(q) + ": ") &&
                                      Catch::Contains("its fraction is wider than its width"));
  }
  QuantConfig narrow_weights;
  narrow_weights[Quantity::weight] = Format{4, 8, true};
  CHECK(narrow_weights.range_problem().empty());
  QuantConfig h;  // h <= gamma = 0.3 fits u15.16 (max 0.49998) but not u14.16 (0.24998)
  h[Quantity::pseudo_derivative] = Format{15, 16, false};
  CHECK(h.range_problem().empty());
  h[Quantity::pseudo_derivative] = Format{14, 16, false};
  CHECK_THAT(h.range_problem(), Catch::StartsWith("formats.pseudo_derivative: u14.16 holds at most 0.24998"));
}
