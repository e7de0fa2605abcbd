package io.stevedore.securitygate.service;

import io.stevedore.securitygate.advisory.AdvisoryIndex;
import io.stevedore.securitygate.image.ImageLimits;
import io.stevedore.securitygate.image.ImageReader;
import io.stevedore.securitygate.verdict.SecurityGate;
import io.stevedore.securitygate.verdict.VerdictCache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The framework-free core as beans: one advisory index per process, and the gate over it. */
@ApplicationScoped
class GateBeans {

  @Produces
  @Singleton
  AdvisoryIndex advisoryIndex() {
    return new AdvisoryIndex();
  }

  @Produces
  @Singleton
  ImageLimits imageLimits() {
    return ImageLimits.defaults();
  }

  @Produces
  @Singleton
  ImageReader imageReader(ImageLimits limits) {
    return new ImageReader(limits);
  }

  @Produces
  @Singleton
  SecurityGate securityGate(ImageLimits limits, AdvisoryIndex index, Clock clock) {
    // the service's verdict cache is the verdicts table (VerdictStore), shared by every instance;
    // the gate's in-memory cache is not consulted, so it keeps nothing
    return new SecurityGate(limits, index, new VerdictCache(0), clock);
  }
}
