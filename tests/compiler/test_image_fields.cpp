// Issue #15 rows 1-4: an image whose checksum is right but whose fields are not (a hand-made or
// hostile file) is refused by read_image with one line, before any pass indexes or allocates
// from the bad field. Each case changes one field in memory and lets write_image recompute the
// checksum.
#include <catch2/catch.hpp>

#include <functional>

#include "compiler/compile.hpp"
#include "hw_model/error.hpp"
#include "hw_model/image/chip_image.hpp"
#include "hw_model/text_check.hpp"
#include "mapping_test_helpers.hpp"

using namespace nchip;
using T = ir::PopulationType;

namespace {

image::ChipImage compiled() {
  ir::Network net;
  net.name = "small";
  net.populations = {test::pop("in", T::input, 4), test::pop("rec", T::lif, 6), test::pop("out", T::readout, 2)};
  net.projections = {test::dense(net, "in", "rec"), test::sparse(net, "rec", "rec", 0.5, 1), test::dense(net, "rec", "out")};
  return compiler::compile_network(net, test::tiny_chip(2, 2, 8), arith::QuantConfig{});
}

// The InputError read_image gives for the image after `change`, or "<no error>".
std::string error_after(const std::function<void(image::ChipImage&)>& change) {
  image::ChipImage im = compiled();
  change(im);
  const std::string bytes = image::write_image(im);  // checksum recomputed
  try {
    image::read_image(bytes, "x.nchip");
  } catch (const InputError& e) {
    const std::string message = e.what();
    CHECK(message.find('\n') == std::string::npos);
    return message;
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("image fields: a synapse origin naming a projection the image lacks is refused (rows 1-2)") {
  REQUIRE(error_after([](image::ChipImage&) {}) == "<no error>");
  for (uint32_t projection : {0xFFFFFFFFu, 0xFF000000u, 0x40000000u, 3u}) {
    CAPTURE(projection);
    CHECK(error_after([&](image::ChipImage& im) { im.network.recurrent_synapses.origin[0].projection = projection; }) ==
          "x.nchip: recurrent synapses: synapse 0 names projection " + std::to_string(projection) +
              ", but the image has 3 projections");
  }
}

TEST_CASE("image fields: synapse counts must match the projection table") {
  CHECK(error_after([](image::ChipImage& im) { im.network.input_synapses.origin[0].projection = 2; }) ==
        "x.nchip: projection 0 lists 24 synapses, the synapse memory holds 23");
  CHECK(error_after([](image::ChipImage& im) { im.projections[1].synapses += 1; }).find("projection 1 lists") !=
        std::string::npos);
}

TEST_CASE("image fields: population sizes that only match after 32-bit wrap-around are refused") {
  // Two input populations of 2^31 neurons sum to 0 in 32 bits; the image has 4 inputs, so make
  // the total 2^32 + 4.
  CHECK(error_after([](image::ChipImage& im) {
          auto extra = im.network.populations[0];
          extra.name = "huge";
          extra.first = 4;
          extra.size = 0x80000000u;
          im.network.populations.insert(im.network.populations.begin() + 1, extra);
          extra.name = "huge2";
          extra.first = 0x80000004u;
          im.network.populations.insert(im.network.populations.begin() + 2, extra);
        }) == "x.nchip: population sizes do not match the neuron tables");
}

TEST_CASE("image fields: names must be UTF-8 without control characters (rows 3-4)") {
  CHECK(error_after([](image::ChipImage& im) { im.network.populations[1].name = "re\nc"; }) ==
        "x.nchip: section NETW: population name contains control character 0x0a at byte 2");
  CHECK(error_after([](image::ChipImage& im) { im.network.name = "bad\xff"; }) ==
        "x.nchip: section NETW: network name is not valid UTF-8 (byte 0xff at byte 3)");
  CHECK(error_after([](image::ChipImage& im) { im.projections[0].name = "in->rec\x01"; }) ==
        "x.nchip: section REPT: projection name contains control character 0x01 at byte 7");
  CHECK(error_after([](image::ChipImage& im) { im.chip.name = "chip\xc3"; }) ==
        "x.nchip: section CHIP: chip name is not valid UTF-8 (byte 0xc3 at byte 4)");
  CHECK(error_after([](image::ChipImage& im) { im.network.populations[1].name = "r\xc3\xa9" "c"; }) == "<no error>");
}

TEST_CASE("text_problem accepts UTF-8 and refuses control characters and malformed sequences") {
  CHECK(text_problem("").empty());
  CHECK(text_problem("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80").empty());
  CHECK(text_problem("a\tb") == "contains control character 0x09 at byte 1");
  CHECK(text_problem("x\x7f") == "contains control character 0x7f at byte 1");
  CHECK(text_problem("\xc0\xaf") == "is not valid UTF-8 (byte 0xc0 at byte 0)");          // overlong
  CHECK(text_problem("\xed\xa0\x80") == "is not valid UTF-8 (byte 0xed at byte 0)");      // surrogate
  CHECK(text_problem("ab\xe2\x82") == "is not valid UTF-8 (byte 0xe2 at byte 2)");        // truncated
  CHECK(escaped_text("a\nb\xff\xc3\xa9") == "a\\x0ab\\xff\xc3\xa9");
}
