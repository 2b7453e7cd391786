#include <gtest/gtest.h>

#include "vm/domain_owner.h"

namespace kmx::vm {
namespace {

DomainTag tag(std::string host, int64_t pid) { return {.run = "r", .cell = "c", .repeat = 0, .pid = pid, .host = host}; }

TEST(DomainOwner, LiveKmatrixHereKeepsItsDomain) {
  EXPECT_EQ(domain_owner(tag("here", 42), "here", [](int64_t pid) { return pid == 42; }), DomainOwner::alive);
}

TEST(DomainOwner, DeadOrOtherProcessHereIsALeftover) {
  // A recycled pid that is not kmatrix counts as gone: kmatrix_running says no.
  EXPECT_EQ(domain_owner(tag("here", 42), "here", [](int64_t) { return false; }), DomainOwner::gone);
}

TEST(DomainOwner, AnotherMachinesRunIsNotJudgedByALocalPid) {
  EXPECT_EQ(domain_owner(tag("there", 42), "here", [](int64_t) { return false; }), DomainOwner::elsewhere);
  EXPECT_EQ(domain_owner(tag("there", 42), "here", [](int64_t) { return true; }), DomainOwner::elsewhere);
}

}  // namespace
}  // namespace kmx::vm
