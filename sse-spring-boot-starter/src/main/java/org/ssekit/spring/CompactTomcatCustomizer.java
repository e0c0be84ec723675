package org.ssekit.spring;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.WebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.ssekit.servlet.tomcat.CompactHttp11NioProtocol;

/**
 * Sets the embedded Tomcat's connector protocol to {@link CompactHttp11NioProtocol}. Tomcat's
 * servlet web server factory is a class of its own package on Spring Boot 3 and on Spring Boot 4,
 * with the same {@code setProtocol(String)} on both, so the customizer takes any factory and calls
 * that method where the factory has it; any other container's factory is left as it is. Spring
 * Boot's own {@code server.tomcat.*} settings are applied to the protocol after it is created and
 * win over its defaults.
 */
final class CompactTomcatCustomizer implements WebServerFactoryCustomizer<WebServerFactory> {

  private static final Logger log = LoggerFactory.getLogger(CompactTomcatCustomizer.class);

  @Override
  public void customize(WebServerFactory factory) {
    Method setProtocol;
    try {
      setProtocol = factory.getClass().getMethod("setProtocol", String.class);
    } catch (NoSuchMethodException e) {
      log.info("ssekit.tomcat.compact-buffers applies to Tomcat only; {} left as it is",
          factory.getClass().getSimpleName());
      return;
    }
    try {
      setProtocol.invoke(factory, CompactHttp11NioProtocol.class.getName());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("ssekit.tomcat.compact-buffers: cannot call "
          + factory.getClass().getName() + ".setProtocol", e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("ssekit.tomcat.compact-buffers: "
          + factory.getClass().getName() + ".setProtocol failed", e.getCause());
    }
  }
}
