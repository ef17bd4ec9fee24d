package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OtherTest {
  @Test
  void addsZero() { assertEquals(0, Calc.add(0, 0)); }
}
