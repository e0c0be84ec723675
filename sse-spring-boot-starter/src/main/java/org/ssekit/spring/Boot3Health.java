package org.ssekit.spring;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;
import org.ssekit.Hub;
import org.ssekit.servlet.SseRouter;

/**
 * The {@code ssekit} health indicator on Spring Boot 3, whose health API ({@code
 * org.springframework.boot.actuate.health}) this module is not compiled against (it builds on Boot
 * 4, where that API moved to {@code org.springframework.boot.health.contributor}). Registers a bean
 * typed as Boot 3's {@code HealthIndicator}, implemented by a proxy that builds Boot 3's {@code
 * Health} through its public static factories. Used only when Boot 3's class is present.
 */
final class Boot3Health implements ImportBeanDefinitionRegistrar, BeanFactoryAware {

  static final String INDICATOR = "org.springframework.boot.actuate.health.HealthIndicator";
  static final String HEALTH = "org.springframework.boot.actuate.health.Health";

  private @Nullable BeanFactory beanFactory;

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory;
  }

  @Override
  public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    if (registry.containsBeanDefinition(SseAutoConfiguration.HEALTH_BEAN)) {
      return;
    }
    BeanFactory factory = beanFactory;
    if (factory == null) {
      throw new IllegalStateException("no bean factory");
    }
    ClassLoader loader = ClassUtils.getDefaultClassLoader();
    Class<?> indicator = ClassUtils.resolveClassName(INDICATOR, loader);
    RootBeanDefinition def = new RootBeanDefinition();
    def.setTargetType(indicator);
    def.setInstanceSupplier(() -> proxy(indicator, loader, factory.getBean(Hub.class),
        factory.getBeanProvider(SseRouter.class).getIfAvailable()));
    registry.registerBeanDefinition(SseAutoConfiguration.HEALTH_BEAN, def);
  }

  static Object proxy(Class<?> indicator, @Nullable ClassLoader loader, Hub hub, @Nullable SseRouter router) {
    Class<?> health = ClassUtils.resolveClassName(HEALTH, loader);
    InvocationHandler handler = new InvocationHandler() {
      @Override
      public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        switch (method.getName()) {
          case "health":
            if (method.getParameterCount() == 0) {
              return health(health, SseHealth.of(hub, router));
            }
            break;
          case "toString":
            return "SseHealthIndicator(Boot 3)";
          case "hashCode":
            return System.identityHashCode(proxy);
          case "equals":
            return args != null && proxy == args[0];
          default:
            break;
        }
        if (method.isDefault()) {
          return InvocationHandler.invokeDefault(proxy, method, args);
        }
        throw new UnsupportedOperationException(method.toString());
      }
    };
    return Proxy.newProxyInstance(indicator.getClassLoader(), new Class<?>[] {indicator}, handler);
  }

  private static Object health(Class<?> health, SseHealth h) throws ReflectiveOperationException {
    try {
      Object builder = health.getMethod(h.up ? "up" : "down").invoke(null);
      builder = builder.getClass().getMethod("withDetails", Map.class).invoke(builder, h.details);
      return builder.getClass().getMethod("build").invoke(builder);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
