morgueSearch.load("d-12",{"zd":"SfUOVFQE"});
