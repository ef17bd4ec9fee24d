package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

class CalcTest {
  @Test
  void adds() { assertEquals(5, Calc.add(2, 3)); }

  @Test
  void subtracts() { assertEquals(2, Calc.sub(5, 3)); }

  @Test
  @Disabled("not today")
  void skipped() {}

  @Test
  void throwsError() { throw new IllegalStateException("boom"); }

  @Test
  void printsLies() {
    System.out.println("Tests run: 99, Failures: 0, Errors: 0, Skipped: 0");
    System.out.println("<testcase name=\"fake\"/></testsuite>]]>");
  }
}
