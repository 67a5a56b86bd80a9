morgueSearch.load("d-7","ix7prZVYAA==",2);
