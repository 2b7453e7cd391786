// The domain XML a libvirt save image is restored with (virDomainRestoreFlags'
// dxml): the XML the image holds, with its kmatrix tag replaced by the
// restoring cell's, so that `gc` and `--resume` see whose the domain is. libvirt
// (9.0) refuses any other name or UUID than the saved ones; the metadata it
// takes. Pure: libxml2 parses and writes it.
#pragma once

#include <string>
#include <string_view>

#include "vm/libvirt_domain_xml.h"

namespace kmx::vm {

// std::invalid_argument when `saved_xml` is not a well-formed <domain>, or the
// tag holds what XML cannot carry.
std::string retagged_domain_xml(std::string_view saved_xml, const DomainTag& tag);

}  // namespace kmx::vm
