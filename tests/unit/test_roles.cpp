#include <gtest/gtest.h>

#include "outcome/roles.h"

namespace kmx::outcome {
namespace {

agent::Message role_line(std::string pid, std::string role) { return {7, KM_MSG_ROLE, {{"pid", pid}, {"role", role}}}; }

TEST(Roles, RegisteredPidsDecide) {
  Roles roles;
  roles.add(role_line("663", "init"));
  roles.add(role_line("664", "helper"));
  roles.add(role_line("666", "parent"));
  EXPECT_EQ(roles.of(663, "ctinit"), Role::init);
  EXPECT_EQ(roles.of(664, "helper"), Role::helper);
  EXPECT_EQ(roles.of(666, "wlparent"), Role::parent);
  EXPECT_EQ(roles.of(700, "wlchild"), Role::child);
}

TEST(Roles, StartedNamesTheInit) {
  Roles roles;
  roles.add(agent::Message{3, KM_MSG_STARTED, {{"ctinit", "663"}}});
  EXPECT_EQ(roles.of(663, "ctinit"), Role::init);
  EXPECT_EQ(roles.of(748, "ctinit"), Role::helper);
}

TEST(Roles, AForkBeforeItRenamedItselfIsKnownByWhoForkedIt) {
  Roles roles;
  roles.add(663, Role::init);
  roles.add(666, Role::parent);
  EXPECT_EQ(roles.of(748, "ctinit"), Role::helper) << "ctinit forks helpers; its own pid is 663";
  EXPECT_EQ(roles.of(1855, "wlparent"), Role::child) << "wlparent forks children; its own pid is 666";
  EXPECT_EQ(roles.of(1856, "helper"), Role::helper) << "named, killed before it registered";
  EXPECT_EQ(roles.of(9, "kworker/0:1"), Role::other);
}

TEST(Roles, WithoutRegistrationsTheNameDecides) {
  const Roles none;
  EXPECT_EQ(none.of(452, "ctinit"), Role::init);
  EXPECT_EQ(none.of(455, "wlparent"), Role::parent);
  EXPECT_EQ(none.of(453, "mingetty1"), Role::other);
}

TEST(Roles, AReusedPidNamedWlchildIsAChild) {
  Roles roles;
  roles.add(664, Role::helper);
  EXPECT_EQ(roles.of(664, "wlchild"), Role::child);
}

TEST(Roles, MalformedLinesAreProtocolErrors) {
  Roles roles;
  EXPECT_THROW(roles.add(role_line("x", "helper")), agent::ProtocolError);
  EXPECT_THROW(roles.add(role_line("0", "helper")), agent::ProtocolError);
  EXPECT_THROW(roles.add(role_line("12", "child")), agent::ProtocolError);
  EXPECT_THROW(roles.add(role_line("12", "boss")), agent::ProtocolError);
  EXPECT_THROW(roles.add(agent::Message{1, KM_MSG_ROLE, {}}), agent::ProtocolError);
}

TEST(Roles, Names) {
  for (const Role r : {Role::init, Role::helper, Role::parent, Role::child, Role::other})
    EXPECT_EQ(role_from_string(to_string(r)), r);
  EXPECT_EQ(role_from_string("boss"), std::nullopt);
  EXPECT_EQ(process_name(Role::helper), "helper");
  EXPECT_EQ(process_name(Role::parent), "wlparent");
}

}  // namespace
}  // namespace kmx::outcome
