package io.stevedore.securitygate.inventory;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.cyclonedx.Version;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;

/** Exports an {@link Inventory} as a CycloneDX 1.6 JSON SBOM, one component per package. */
@RegisterForReflection(
    targets = {Bom.class, Metadata.class, org.cyclonedx.model.Component.class, Property.class})
public final class CycloneDxExporter {

  private CycloneDxExporter() {}

  public static String toJson(Inventory inventory) {
    Bom bom = new Bom();
    bom.setSerialNumber(
        "urn:uuid:" + UUID.nameUUIDFromBytes(inventory.imageDigest().getBytes()).toString());
    Metadata metadata = new Metadata();
    org.cyclonedx.model.Component subject = new org.cyclonedx.model.Component();
    subject.setType(org.cyclonedx.model.Component.Type.CONTAINER);
    subject.setName(inventory.imageDigest());
    subject.setVersion(inventory.imageDigest());
    subject.setBomRef(inventory.imageDigest());
    metadata.setComponent(subject);
    bom.setMetadata(metadata);
    List<org.cyclonedx.model.Component> out = new ArrayList<>();
    for (Component c : inventory.components()) {
      org.cyclonedx.model.Component x = new org.cyclonedx.model.Component();
      x.setType(
          c.type() == Component.Type.MAVEN
              ? org.cyclonedx.model.Component.Type.LIBRARY
              : org.cyclonedx.model.Component.Type.APPLICATION);
      if (c.type() == Component.Type.MAVEN && !c.namespace().isEmpty()) {
        x.setGroup(c.namespace());
      }
      x.setName(c.name());
      x.setVersion(c.version());
      x.setPurl(c.purl());
      x.setBomRef(c.purl() + "#" + c.location());
      List<Property> props = new ArrayList<>();
      props.add(property("stevedore:location", c.location()));
      if (!c.sourceName().equals(c.name())) {
        props.add(property("stevedore:source-name", c.sourceName()));
      }
      x.setProperties(props);
      out.add(x);
    }
    bom.setComponents(out);
    try {
      return BomGeneratorFactory.createJson(Version.VERSION_16, bom).toJsonString();
    } catch (Exception e) {
      throw new IllegalStateException(
          "CycloneDX export of " + inventory.imageDigest() + " failed: " + e.getMessage(), e);
    }
  }

  private static Property property(String name, String value) {
    Property p = new Property();
    p.setName(name);
    p.setValue(value);
    return p;
  }
}
