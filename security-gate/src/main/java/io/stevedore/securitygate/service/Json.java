package io.stevedore.securitygate.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.stevedore.securitygate.inventory.Inventory;
import io.stevedore.securitygate.policy.Finding;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The JSON forms stored in the database: findings, notes and inventories. */
@ApplicationScoped
@RegisterForReflection(
    targets = {
      Finding.class,
      Inventory.class,
      io.stevedore.securitygate.inventory.Component.class,
      io.stevedore.securitygate.inventory.OsRelease.class,
      io.stevedore.securitygate.image.ImageConfig.class
    })
public class Json {

  private static final TypeReference<List<Finding>> FINDINGS = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private final ObjectMapper mapper;

  Json(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  public String write(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  public List<Finding> findings(String json) {
    return read(json, FINDINGS);
  }

  public List<String> strings(String json) {
    return read(json, STRINGS);
  }

  public Inventory inventory(String json) {
    try {
      return mapper.readValue(json, Inventory.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored inventory unreadable: " + e.getOriginalMessage(), e);
    }
  }

  private <T> T read(String json, TypeReference<T> type) {
    try {
      return mapper.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON unreadable: " + e.getOriginalMessage(), e);
    }
  }
}
