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
